"""A small corpus on two topics, written by the tests: Markdown, reStructuredText and a real PDF."""

from __future__ import annotations

from pathlib import Path


def minimal_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF whose text a PDF reader extracts (Helvetica, one line per entry)."""
    text = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        " /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def two_topic_corpus(root: Path) -> Path:
    """Tenancy law (Markdown, PDF) and beekeeping (reStructuredText, Markdown), plus files to skip."""
    (root / "tenancy").mkdir(parents=True)
    (root / "bees").mkdir()
    (root / "tenancy" / "lease.md").write_text(
        "# Residential leases\n\n"
        "A lease is a contract that lets a tenant use a property for a fixed term in exchange for rent.\n\n"
        "## Paying the deposit\n\nThe deposit is held in a protected scheme and returned within 10 days.\n\n"
        "## Ending the tenancy early\n\nA break clause is a term that lets either party end the lease early.\n",
        encoding="utf-8",
    )
    (root / "tenancy" / "notice.pdf").write_bytes(
        minimal_pdf(["Notice periods", "A notice period is the time a landlord must give before ending a tenancy."])
    )
    (root / "bees" / "hives.rst").write_text(
        "Hives\n=====\n\nA super is a box placed above the brood chamber where bees store honey.\n\n"
        "Inspecting a hive\n-----------------\n\nOpen the hive on a warm day and use a smoker.\n",
        encoding="utf-8",
    )
    (root / "bees" / "swarming.md").write_text(
        "# Swarming\n\nA swarm is a colony that leaves with the old queen to found a new nest.\n\n"
        "## Preventing swarms\n\nGive the colony space before it fills the brood box.\n",
        encoding="utf-8",
    )
    (root / "bees" / "photo.jpg").write_bytes(b"\xff\xd8\xff" + bytes(64))
    (root / "empty.md").write_text("", encoding="utf-8")
    return root
