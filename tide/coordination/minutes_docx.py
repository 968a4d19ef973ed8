"""Meeting minutes as a Word document (.docx), written with the standard library only.

A .docx is a zip of WordprocessingML parts; minutes need headings, paragraphs and a simple table,
so the three required parts are written directly rather than adding a dependency.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    "</Relationships>"
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class Heading:
    text: str
    size: int = 28  # half-points


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[str]]


Block = Heading | Para | Table


def _run(text: str, *, bold: bool = False, size: int | None = None) -> str:
    props = ("<w:b/>" if bold else "") + (f'<w:sz w:val="{size}"/>' if size else "")
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _para(text: str, *, bold: bool = False, size: int | None = None) -> str:
    return f"<w:p>{_run(text, bold=bold, size=size)}</w:p>"


def _table(table: Table) -> str:
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="999999"/>'
    borders = "".join(border.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>{borders}</w:tblBorders></w:tblPr>']
    for i, row in enumerate([table.header, *table.rows]):
        cells = "".join(f"<w:tc>{_para(str(value), bold=i == 0)}</w:tc>" for value in row)
        out.append(f"<w:tr>{cells}</w:tr>")
    out.append("</w:tbl><w:p/>")
    return "".join(out)


def document_xml(blocks: Sequence[Block]) -> str:
    body = []
    for block in blocks:
        if isinstance(block, Heading):
            body.append(_para(block.text, bold=True, size=block.size))
        elif isinstance(block, Para):
            body.append(_para(block.text))
        else:
            body.append(_table(block))
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>'
        + "".join(body)
        + "</w:body></w:document>"
    )


def docx_bytes(blocks: Sequence[Block]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", document_xml(blocks))
    return buffer.getvalue()
