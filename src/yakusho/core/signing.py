"""The city's document signature (pyHanko): every issued PDF is signed so anyone can check
it came from the city and was not changed.

A city configures its own certificate (YAKUSHO_SIGNING_KEY, _CERT, _CHAIN: PEM files, e.g.
from its LGPKI or a commercial CA). Without one — the demo, a first install — yakusho makes a
city root certificate and a signing certificate in the data folder on first use; the root is
published at /api/v1/signing/root.pem for verifiers to trust.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

T = TypeVar("T")

_lock = threading.Lock()


@dataclass(frozen=True)
class SigningIdentity:
    key_path: Path
    cert_path: Path
    chain_paths: tuple[Path, ...]
    root_pem: bytes


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.SIGNING_ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _write(path: Path, data: bytes, private: bool = False) -> None:
    path.write_bytes(data)
    if private:
        path.chmod(0o600)


def _generate(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    # Elliptic-curve keys: pyHanko loads the private key again for every signature, which
    # takes about 40 ms for RSA and well under 1 ms for P-256 (the demo issues dozens of
    # documents as it starts). A city's own identity is whatever its CA issued.
    root_key = ec.generate_private_key(ec.SECP384R1())
    root_name = _name(f"{settings.SIGNING_ORGANISATION} Document Root")
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    signer = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{settings.SIGNING_ORGANISATION} Document Signing"))
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    _write(folder / "root.pem", root.public_bytes(serialization.Encoding.PEM))
    _write(folder / "signer.pem", signer.public_bytes(serialization.Encoding.PEM))
    _write(
        folder / "signer.key",
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        private=True,
    )


def identity() -> SigningIdentity:
    configured = settings.SIGNING
    if configured["key"] and configured["cert"]:
        chain = tuple(Path(p) for p in configured["chain"])
        root = chain[-1].read_bytes() if chain else Path(configured["cert"]).read_bytes()
        return SigningIdentity(Path(configured["key"]), Path(configured["cert"]), chain, root)
    folder = Path(settings.DATA_DIR) / "signing"
    with _lock:
        if not (folder / "signer.key").exists():
            _generate(folder)
    return SigningIdentity(
        folder / "signer.key",
        folder / "signer.pem",
        (folder / "root.pem",),
        (folder / "root.pem").read_bytes(),
    )


@lru_cache(maxsize=1)
def _signer(key_path: str, cert_path: str, chain: tuple[str, ...]):
    from pyhanko.sign import signers

    return signers.SimpleSigner.load(key_path, cert_path, ca_chain_files=chain)


def _outside_event_loop(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """pyHanko's synchronous API calls asyncio.run(), which fails inside a running event
    loop (an async view, a notebook, a browser test's thread); run it in a thread there."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func, *args, **kwargs).result()


def sign_pdf(pdf: bytes, *, reason: str, field_name: str = "CitySignature") -> bytes:
    return _outside_event_loop(_sign_pdf, pdf, reason=reason, field_name=field_name)


def _sign_pdf(pdf: bytes, *, reason: str, field_name: str) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    found = identity()
    signer = _signer(
        str(found.key_path), str(found.cert_path), tuple(str(p) for p in found.chain_paths)
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, reason=reason, location=settings.SIGNING_ORGANISATION
    )
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


@dataclass(frozen=True)
class Verification:
    valid: bool
    intact: bool
    trusted: bool
    signer: str
    signed_at: dt.datetime | None


def verify_pdf(pdf: bytes) -> Verification:
    """Whether the PDF carries the city's signature and is unchanged since signing."""
    return _outside_event_loop(_verify_pdf, pdf)


def _verify_pdf(pdf: bytes) -> Verification:
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        signatures = reader.embedded_signatures
    except Exception:  # not a PDF we can read at all
        return Verification(False, False, False, "", None)
    if not signatures:
        return Verification(False, False, False, "", None)
    _type, _headers, der = pem.unarmor(identity().root_pem)
    context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)])
    try:
        status = validate_pdf_signature(signatures[-1], context)
    except Exception:
        return Verification(False, False, False, "", None)
    signer = (
        status.signing_cert.subject.native.get("common_name", "") if status.signing_cert else ""
    )
    return Verification(
        bool(status.bottom_line),
        bool(status.intact and status.valid),
        bool(status.trusted),
        signer,
        status.signer_reported_dt,
    )
