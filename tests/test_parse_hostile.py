"""Parsing hostile files (issue 13 items 2, 3, 5, 9): bytes that are not text, lying charsets,
files too large for the per-document limits, fake .doc files, LibreOffice without network."""

from __future__ import annotations

import io
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pipeline import formats
from pipeline.models import RawDocument, RawPart
from pipeline.parse import PARSERS, limits, office, parse_document, parse_part
from pipeline.parse.base import Extracted

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "parse"))
import make_docs  # noqa: E402

POLICY = ("关于建立重点产业链链长制的通知\n各市人民政府：为推动产业链高质量发展，决定建立链长制，"
          "由市领导担任链长，龙头企业担任链主。\n")
needs_soffice = pytest.mark.skipif(not shutil.which("soffice"), reason="needs LibreOffice (libreoffice-writer-nogui)")


def parse(data: bytes, media_type: str, name: str = "file"):
    return parse_part(data, RawPart(role="file", url=name, sha256="", media_type=media_type, filename=name))


@pytest.mark.parametrize("media_type", [formats.TEXT, formats.HTML, formats.MARKDOWN])
def test_random_bytes_are_not_a_document(media_type: str) -> None:
    noise = random.Random(13).randbytes(1024 * 1024)
    part = parse(noise, media_type, "noise")
    assert part.error.startswith("not text:") and part.text == ""


def test_utf8_under_a_latin1_meta_charset_is_read_as_utf8() -> None:
    page = ('<html><head><meta charset="iso-8859-1"><title>链长制通知</title></head>'
            f'<body><div class="content"><p>{POLICY}</p></div></body></html>')
    part = parse(page.encode("utf-8"), formats.HTML, "page.html")
    assert part.error == "" and "由市领导担任链长" in part.text


def test_gbk_under_a_gbk_meta_charset_still_decodes() -> None:
    page = f'<html><head><meta charset="gbk"></head><body><p>{POLICY}</p></body></html>'
    assert "由市领导担任链长" in parse(page.encode("gbk"), formats.HTML, "page.html").text


def test_utf16le_without_bom_is_detected() -> None:
    part = parse((POLICY * 5).encode("utf-16-le"), formats.TEXT, "policy.txt")
    assert part.error == "" and part.text.startswith("关于建立重点产业链链长制的通知")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", ["关于建立链长制的通知：各区人民政府，由市领导担任链长。", "Notice on the chain leader system."])
def test_short_utf16_without_bom_is_detected(text: str, encoding: str) -> None:
    data = text.encode(encoding)  # 60 or 68 bytes: too short for charset-normalizer
    assert len(data) < 100 and not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    part = parse(data, formats.TEXT, "note.txt")
    assert part.error == "" and part.text == text


def test_undecidable_short_bytes_are_refused_with_a_true_message() -> None:
    data = random.Random(5).randbytes(60)
    assert formats.utf16_without_bom(data) is None
    error = parse(data, formats.TEXT, "note.txt").error
    assert error.startswith("not text: the 60 bytes are neither valid UTF-8 nor GB18030")
    assert "no clear pattern of another encoding such as UTF-16" in error and "not valid in" not in error


def test_text_mixed_with_binary_is_refused() -> None:
    data = POLICY.encode("utf-8") * 20 + bytes(range(0, 32)) * 200  # control characters: a binary tail
    assert parse(data, formats.TEXT, "x.txt").error.startswith("not text:")


def test_oversized_text_file_is_refused_before_its_bytes_are_read() -> None:
    size = limits.MAX_TEXT_FILE_BYTES + 1
    part = RawPart(role="file", url="big.txt", sha256="0" * 64, media_type=formats.TEXT, filename="big.txt", size=size)
    good = RawPart(role="attachment", url="ok.txt", sha256="1" * 64, media_type=formats.TEXT, filename="ok.txt", size=10)
    read: list[str] = []

    def read_blob(sha256: str) -> bytes:
        read.append(sha256)
        return POLICY.encode()

    parsed = parse_document(RawDocument(doc_id="d", source="s", url="big.txt", parts=(part, good)), read_blob)
    assert parsed.parts[0].error.startswith("file too large to parse: 16 MB (limit for text/plain: 16 MB)")
    assert read == ["1" * 64] and "链长制" in parsed.parts[1].text


def test_document_text_is_cut_at_the_per_document_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_DOCUMENT_CHARS", 100)
    parts = tuple(RawPart(role="file", url=f"{n}.txt", sha256=str(n), media_type=formats.TEXT, size=1) for n in range(2))
    parsed = parse_document(RawDocument(doc_id="d", source="s", url="0.txt", parts=parts), lambda _: POLICY.encode() * 3)
    assert len(parsed.parts[0].text) == 100 and parsed.parts[1].text == ""
    assert "text cut at 100 of" in parsed.parts[0].error and "text cut at 0 of" in parsed.parts[1].error


def _docx_with_document_xml(size: int) -> bytes:
    """A DOCX whose document.xml is ``size`` bytes of paragraphs of random text (so it does not look like a bomb)."""
    rng = random.Random(2)
    paragraph = "<w:p><w:r><w:t>{}</w:t></w:r></w:p>"
    body, total = [], 0
    while total < size:
        chunk = paragraph.format(rng.randbytes(2000).hex())
        body.append(chunk)
        total += len(chunk)
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w='
           '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' + "".join(body)
           + "</w:body></w:document>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


def test_docx_with_a_huge_document_xml_is_refused_before_parsing() -> None:
    data = _docx_with_document_xml(limits.MAX_DOCX_XML_BYTES + 1024)
    part = parse(data, formats.DOCX, "huge.docx")
    assert part.error == "DOCX too large to parse: its text (word/document.xml) is over 10 MB (limit MAX_DOCX_XML_BYTES)"


@pytest.mark.parametrize("suffix, media_type", [(".doc", formats.DOC), (".wps", formats.WPS)])
def test_random_file_named_doc_is_refused_without_libreoffice(suffix: str, media_type: str) -> None:
    noise = random.Random(5).randbytes(64 * 1024)
    assert formats.sniff_media_type(noise, "x" + suffix) == media_type
    part = parse(noise, media_type, "x" + suffix)
    assert part.error.startswith(f"not a {suffix[1:].upper()} file: no OLE2 or RTF signature")


def _doc_linking_a_remote_image(tmp_path: Path, url: str) -> bytes:
    """A Word 97 .doc whose image is a link to ``url`` (LibreOffice keeps <img> links as links)."""
    page = tmp_path / "linked.html"
    page.write_text(f'<html><body><p>{POLICY}</p><img src="{url}" width="10" height="10"></body></html>',
                    encoding="utf-8")
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'make-profile').as_uri()}", "--headless",
                    "--infilter=HTML (StarWriter)", "--convert-to", "doc:MS Word 97", "--outdir", str(tmp_path),
                    str(page)], capture_output=True, timeout=300, check=True)
    return (tmp_path / "linked.doc").read_bytes()


class _RequestLog(ThreadingHTTPServer):
    """Records the request line of every request, whatever its method (LibreOffice sends OPTIONS and HEAD too)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        log = self.requests

        class Handler(BaseHTTPRequestHandler):
            def parse_request(self) -> bool:
                log.append(self.raw_requestline.decode("latin-1").strip())
                return super().parse_request()

            def do_GET(self) -> None:  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(PNG)))
                self.end_headers()
                self.wfile.write(PNG)

            do_HEAD = do_GET  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


@needs_soffice
@pytest.mark.parametrize("isolation", ["none (control)", "namespace", "profile only"])
def test_libreoffice_fetches_nothing_from_a_document_linking_a_remote_image(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolation: str) -> None:
    server = _RequestLog()
    try:
        data = _doc_linking_a_remote_image(tmp_path, f"http://127.0.0.1:{server.server_port}/remote.png")
        made = len(server.requests)  # making the fixture fetches it (that conversion has network)
        assert made > 0
        if isolation != "namespace":
            monkeypatch.setattr(office, "network_isolation", lambda: ())
        elif not office.network_isolation():
            pytest.skip("unshare cannot create a network namespace here")
        if isolation == "none (control)":  # shows the fixture does make an unfenced LibreOffice fetch
            monkeypatch.setattr(office, "_NO_REMOTE_CONTENT", '<?xml version="1.0"?><oor:items xmlns:oor='
                                '"http://openoffice.org/2001/registry"/>')
        part = parse(data, formats.DOC, "linked.doc")
        fetched = server.requests[made:]
    finally:
        server.shutdown()
        server.server_close()
    assert part.error == "" and "由市领导担任链长" in part.text
    if isolation == "none (control)":
        assert any("/remote.png" in line for line in fetched)
    else:
        assert fetched == []


def test_network_isolation_really_has_no_network() -> None:
    prefix = office.network_isolation()
    if not prefix:
        pytest.skip("unshare cannot create a network namespace here")
    interfaces = subprocess.run([*prefix, "cat", "/proc/net/dev"], capture_output=True, text=True, timeout=60).stdout
    assert [line.split(":")[0].strip() for line in interfaces.splitlines()[2:]] == ["lo"]
    assert os.path.exists("/proc/net/dev")


def _hog(data: bytes) -> object:
    hoard = [bytearray(256 * 2**20) for _ in range(64)]  # 16 GB, far past the ceiling
    return hoard


def _stall(data: bytes) -> object:
    threading.Event().wait(3600)


def _crash(data: bytes) -> object:
    os.kill(os.getpid(), signal.SIGSEGV)


@pytest.mark.parametrize("parser, message", [
    (_hog, "parsing needed more than 512 MB of memory (limit PARSE_MEMORY_BYTES)"),
    (_stall, "parsing took longer than 2 s (limit PARSE_TIMEOUT_S)"),
    (_crash, "the parser crashed (killed by SIGSEGV)"),
])
def test_a_file_past_the_memory_or_time_limit_costs_only_itself(monkeypatch: pytest.MonkeyPatch, parser,
                                                                message: str) -> None:
    monkeypatch.setattr(limits, "PARSE_MEMORY_BYTES", 512 * 2**20)
    monkeypatch.setattr(limits, "PARSE_TIMEOUT_S", 2.0)
    monkeypatch.setitem(PARSERS, "application/x-hostile", parser)
    parts = (RawPart(role="file", url="bad", sha256="bad", media_type="application/x-hostile", size=1),
             RawPart(role="attachment", url="ok.txt", sha256="ok", media_type=formats.TEXT, size=1))
    parsed = parse_document(RawDocument(doc_id="d", source="s", url="bad", parts=parts), lambda _: POLICY.encode())
    assert parsed.parts[0].error == message
    assert parsed.parts[1].error == "" and "链长制" in parsed.parts[1].text


def _parsed_by(data: bytes) -> Extracted:
    """Names the process that ran it, so a test can see whether a file was parsed in a child."""
    return Extracted(paragraphs=[f"parsed in process {os.getpid()}"])


@pytest.mark.parametrize("media_type, size, in_child", [
    (formats.TEXT, 1000, False),  # a small text: in-process, a fork would cost more than parsing it
    (formats.HTML, 1000, False),
    (formats.MARKDOWN, 1001, True),  # over IN_PROCESS_MAX_BYTES (set to 1000 here): in the child
    (formats.PDF, 1000, True),  # native code (PDFium, pdfminer) always in the child, whatever its size
    (formats.DOCX, 1000, True),
])
def test_only_small_texts_and_pages_are_parsed_outside_the_child(monkeypatch: pytest.MonkeyPatch, media_type: str,
                                                                 size: int, in_child: bool) -> None:
    monkeypatch.setattr(limits, "IN_PROCESS_MAX_BYTES", 1000)
    monkeypatch.setitem(PARSERS, media_type, _parsed_by)
    part = RawPart(role="file", url="f", sha256="f", media_type=media_type, size=size)
    parsed = parse_document(RawDocument(doc_id="d", source="s", url="f", parts=(part,)), lambda _: b"x" * size)
    assert parsed.parts[0].error == ""
    assert (parsed.parts[0].text != f"parsed in process {os.getpid()}") is in_child


def test_a_small_text_whose_parser_blows_up_is_still_only_its_own_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process parsing keeps the per-document guarantee for what can go wrong there: an exception, MemoryError."""
    def runs_out(data: bytes) -> Extracted:
        raise MemoryError

    monkeypatch.setitem(PARSERS, formats.TEXT, runs_out)
    part = RawPart(role="file", url="a.txt", sha256="a", media_type=formats.TEXT, size=10)
    pdf = RawPart(role="attachment", url="b.pdf", sha256="b", media_type=formats.PDF, size=10)
    blobs = {"a": POLICY.encode(), "b": make_docs.policy_pdf()}
    parsed = parse_document(RawDocument(doc_id="d", source="s", url="a.txt", parts=(part, pdf)), blobs.__getitem__)
    assert parsed.parts[0].error == "parsing ran out of memory (in the worker process)"
    assert parsed.parts[1].error == "" and parsed.parts[1].text


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_a_few_corrupt_bytes_do_not_make_a_text_binary(encoding: str) -> None:
    data = bytearray((POLICY * 100).encode(encoding))
    for offset in (100, 5000, 9000):
        data[offset] = 0xFF
    part = parse(bytes(data), formats.TEXT, "policy.txt")
    assert part.error == "" and part.text.count("\ufffd") <= 9 and "由市领导担任链长" in part.text


LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
          + "]>")


def test_billion_laughs_are_not_expanded() -> None:
    page = LAUGHS + "<html><body><p>链长制工作方案&lol9;</p></body></html>"
    part = parse(page.encode("utf-8"), formats.HTML, "laughs.html")
    assert "链长制工作方案" in part.text and len(part.text) < 1000
    xml = (LAUGHS.replace("lolz", "w:document") + '<w:document xmlns:w="http://schemas.openxmlformats.org/'
           'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>链长制&lol9;</w:t></w:r></w:p></w:body></w:document>')
    original, buffer = zipfile.ZipFile(io.BytesIO(make_docs.policy_docx())), io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # a real DOCX whose main part defines the entities
        for item in original.infolist():
            archive.writestr(item, xml if item.filename == "word/document.xml" else original.read(item))
    part = parse(buffer.getvalue(), formats.DOCX, "laughs.docx")
    assert len(part.text) < 1000 and "lollol" not in part.text
