"""Anyone can check the registry with nothing but hashlib, json and cryptography (DESIGN §4).

This module deliberately imports nothing from turkicnet to do the checking.
"""

import hashlib
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FIELDS = {
    "seq", "scheme", "action", "version", "text_sha256", "center",
    "signer_name", "signer_title", "note", "at", "prev_hash",
}  # fmt: skip


def canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_an_outsider_recomputes_texts_versions_chain_and_checkpoints(
    client, app, make_center, add_staff, make_version, sign
):
    from turkicnet.protocol import services

    version = make_version()
    centers = [make_center(country_code=code) for code in ("KZ", "UZ", "TR")]
    signatories = [add_staff(center, "editor", can_sign=True) for center in centers]
    for user, center in zip(signatories, centers, strict=True):
        sign(user, center, version)
    services.withdraw_signature(
        signatories[1], centers[1], version, signer_name="Ali Valiyev", signer_title="Director",
        reason="Reorganisation of the center", password="quiet orbit lantern 58 meadow",
    )  # fmt: skip
    sign(signatories[1], centers[1], version)

    ledger = client.get("/protocol/ledger.json").get_json()
    published = client.get("/protocol/checkpoints.json").get_json()
    version_page = client.get(f"/protocol/v/{version.number}").get_data(as_text=True)

    # Texts: fetched byte for byte; the version fingerprint covers the authentic ones.
    authentic = {}
    for language in ("en", "tr"):
        body = client.get(f"/protocol/v/{version.number}/text/{language}.md").data
        assert body.endswith(b"\n") and not body.endswith(b"\n\n") and b"\r" not in body
        authentic[language] = sha256(body)
    fingerprint = sha256(canonical(authentic))
    assert fingerprint in version_page

    # The chain: eleven fields, canonical JSON, linked by prev_hash from 64 zeros.
    entries = ledger["entries"]
    assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5]
    previous = "0" * 64
    for entry in entries:
        assert set(entry) == FIELDS | {"hash"}
        assert isinstance(entry["seq"], int) and isinstance(entry["version"], int)
        assert entry["scheme"] == "simple-v1"
        assert entry["text_sha256"] == fingerprint
        assert entry["prev_hash"] == previous
        assert sha256(canonical({k: entry[k] for k in FIELDS})) == entry["hash"]
        assert len(entry["at"]) == 20 and entry["at"].endswith("Z") and entry["at"][10] == "T"
        previous = entry["hash"]
    assert [e["action"] for e in entries] == ["sign", "sign", "sign", "withdraw", "sign"]
    assert entries[3]["note"] == "Reorganisation of the center" and entries[0]["note"] == ""

    # Checkpoints: Ed25519 over {"seq","hash","at","key_id"}; key_id names the raw key.
    keys = published["keys"]
    assert len(published["checkpoints"]) == len(entries)
    by_seq = {e["seq"]: e["hash"] for e in entries}
    for checkpoint in published["checkpoints"]:
        raw_key = bytes.fromhex(keys[checkpoint["key_id"]])
        assert len(raw_key) == 32
        assert sha256(raw_key)[:16] == checkpoint["key_id"]
        assert checkpoint["hash"] == by_seq[checkpoint["seq"]]
        message = canonical({k: checkpoint[k] for k in ("seq", "hash", "at", "key_id")})
        Ed25519PublicKey.from_public_bytes(raw_key).verify(bytes.fromhex(checkpoint["signature"]), message)


def test_a_text_saved_with_crlf_has_the_fingerprint_of_its_lf_form(client, admin, make_version):
    from turkicnet.protocol import services

    version = make_version(status="draft")
    crlf = "# Title\r\n\r\nLine one.  \r\nLine two.\r\n\r\n\r\n"
    services.save_text(admin, version, language="en", body=crlf, authentic=True)
    services.open_version(admin, version)
    body = client.get(f"/protocol/v/{version.number}/text/en.md").data
    assert body == b"# Title\n\nLine one.  \nLine two.\n"
    assert version.text("en").sha256 == sha256(b"# Title\n\nLine one.  \nLine two.\n")


def test_text_is_served_with_its_exact_bytes_and_type(client, make_version):
    version = make_version()
    response = client.get(f"/protocol/v/{version.number}/text/ru.md")
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.data == "# Протокол\n\nСтатья 1.\n".encode()
    assert response.headers["X-Text-SHA256"] == sha256(response.data)
