"""Unit tests of the digest and basic authentication of the VAPIX transport (auth.py)."""

from __future__ import annotations

import hashlib
import re
from base64 import b64decode

import pytest

from custom_components.axis_edge_storage.vapix import auth
from custom_components.axis_edge_storage.vapix.auth import (
    Challenge,
    DigestAuth,
    basic_header,
    digest_supported,
    parse_challenges,
)

# RFC 2617 section 3.5.
RFC_USER = "Mufasa"
RFC_PASSWORD = "Circle Of Life"
RFC_REALM = "testrealm@host.com"
RFC_NONCE = "dcd98b7102dd2f0e8b11d0f600bfb0c093"
RFC_OPAQUE = "5ccc069c403ebaf9f0171e9517f40e41"
RFC_URI = "/dir/index.html"
RFC_CNONCE = "0a4f113b"
RFC_RESPONSE = "6629fae49393a05397450978507c4ef1"
RFC_HEADER = (
    f'Digest realm="{RFC_REALM}", qop="auth,auth-int", nonce="{RFC_NONCE}", opaque="{RFC_OPAQUE}"'
)


def _fields(header: str) -> dict[str, str]:
    assert header.startswith("Digest ")
    return {
        key: quoted if quoted else bare
        for key, quoted, bare in re.findall(r'(\w+)=(?:"([^"]*)"|([^\s,]+))', header[7:])
    }


def _challenge(**params: str) -> Challenge:
    return Challenge("digest", {"realm": "AXIS_ACCC8E012345", "nonce": "abc123", **params})


@pytest.fixture
def rfc_cnonce(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the client's cnonce the RFC's."""
    monkeypatch.setattr(auth.os, "urandom", lambda _n: bytes.fromhex(RFC_CNONCE))


# ------------------------------------- parse_challenges -------------------------------------


def test_rfc_challenge() -> None:
    (challenge,) = parse_challenges([RFC_HEADER])
    assert challenge.scheme == "digest"
    assert challenge.params == {
        "realm": RFC_REALM,
        "qop": "auth,auth-int",
        "nonce": RFC_NONCE,
        "opaque": RFC_OPAQUE,
    }
    assert challenge.stale is False
    assert digest_supported(challenge)


def test_digest_and_basic_in_one_header() -> None:
    header = (
        'Digest realm="AXIS_ACCC8E012345", nonce="n1", algorithm=MD5, qop="auth", '
        'Basic realm="AXIS_ACCC8E012345"'
    )
    digest, basic = parse_challenges([header])
    assert digest.scheme == "digest"
    assert digest.params == {
        "realm": "AXIS_ACCC8E012345",
        "nonce": "n1",
        "algorithm": "MD5",
        "qop": "auth",
    }
    assert basic.scheme == "basic"
    assert basic.params == {"realm": "AXIS_ACCC8E012345"}


def test_basic_first_then_digest_and_several_headers() -> None:
    challenges = parse_challenges(
        ['basic realm="r1"', 'DIGEST realm="r2", nonce="n2", algorithm=SHA-256, qop=auth']
    )
    assert [c.scheme for c in challenges] == ["basic", "digest"]
    assert challenges[1].params["algorithm"] == "SHA-256"
    assert challenges[1].params["qop"] == "auth"


def test_quoted_commas_and_escapes() -> None:
    header = (
        'Digest realm="Axis, Inc. \\"camera\\"", nonce="a,b,c", qop="auth,auth-int", '
        'opaque="x, y", Basic realm="after"'
    )
    assert parse_challenges([header]) == [
        Challenge(
            "digest",
            {
                "realm": 'Axis, Inc. "camera"',
                "nonce": "a,b,c",
                "qop": "auth,auth-int",
                "opaque": "x, y",
            },
        ),
        Challenge("basic", {"realm": "after"}),
    ]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            'Digest realm="x", nonce="n", opaque="a, Basic b"',
            [Challenge("digest", {"realm": "x", "nonce": "n", "opaque": "a, Basic b"})],
        ),
        (
            'Digest realm="Cam, basic", nonce="n"',
            [Challenge("digest", {"realm": "Cam, basic", "nonce": "n"})],
        ),
        (
            'Digest realm="a,digest", nonce="n", qop="auth"',
            [Challenge("digest", {"realm": "a,digest", "nonce": "n", "qop": "auth"})],
        ),
    ],
)
def test_scheme_name_inside_a_quoted_value(header: str, expected: list[Challenge]) -> None:
    assert parse_challenges([header]) == expected


@pytest.mark.parametrize(("value", "stale"), [("true", True), ("TRUE", True), ('"True"', True)])
def test_stale(value: str, stale: bool) -> None:
    (challenge,) = parse_challenges([f'Digest realm="r", nonce="n2", stale={value}'])
    assert challenge.stale is stale


@pytest.mark.parametrize("value", ["false", "FALSE", "no", '""'])
def test_not_stale(value: str) -> None:
    (challenge,) = parse_challenges([f'Digest realm="r", nonce="n2", stale={value}'])
    assert challenge.stale is False


def test_missing_qop_and_case_insensitive_keys() -> None:
    (challenge,) = parse_challenges(['Digest Realm="r", NONCE="n", Algorithm=md5'])
    assert challenge.params == {"realm": "r", "nonce": "n", "algorithm": "md5"}
    assert "qop" not in challenge.params
    assert digest_supported(challenge)


def test_no_challenges() -> None:
    assert parse_challenges([]) == []
    assert parse_challenges([""]) == []
    assert parse_challenges(['Bearer realm="x"']) == []
    assert parse_challenges(["Negotiate, NTLM"]) == []


@pytest.mark.parametrize(
    ("params", "supported"),
    [
        ({"algorithm": "MD5", "qop": "auth"}, True),
        ({"algorithm": "md5-sess", "qop": "auth"}, True),
        ({"algorithm": "SHA-256", "qop": "auth-int, auth"}, True),
        ({"algorithm": "SHA-256-sess"}, True),
        ({}, True),
        ({"algorithm": "SHA-512-256"}, False),
        ({"algorithm": "MD5", "qop": "auth-int"}, False),
    ],
)
def test_digest_supported(params: dict[str, str], supported: bool) -> None:
    assert digest_supported(_challenge(**params)) is supported


def test_digest_supported_needs_a_nonce() -> None:
    assert digest_supported(Challenge("digest", {"realm": "r"})) is False


# ---------------------------------------- DigestAuth ----------------------------------------


@pytest.mark.usefixtures("rfc_cnonce")
def test_rfc_2617_worked_example() -> None:
    (challenge,) = parse_challenges([RFC_HEADER])
    header = DigestAuth(RFC_USER, RFC_PASSWORD, challenge).header("GET", RFC_URI)
    fields = _fields(header)
    assert fields["username"] == RFC_USER
    assert fields["realm"] == RFC_REALM
    assert fields["nonce"] == RFC_NONCE
    assert fields["uri"] == RFC_URI
    assert fields["qop"] == "auth"
    assert fields["nc"] == "00000001"
    assert fields["cnonce"] == RFC_CNONCE
    assert fields["response"] == RFC_RESPONSE
    assert fields["opaque"] == RFC_OPAQUE
    assert fields["algorithm"] == "MD5"


def _expected(
    hash_name: str,
    *,
    user: str,
    password: str,
    realm: str,
    nonce: str,
    method: str,
    uri: str,
    nc: str | None,
    cnonce: str | None,
    sess: bool = False,
) -> str:
    def h(text: str) -> str:
        return hashlib.new(hash_name, text.encode()).hexdigest()

    ha1 = h(f"{user}:{realm}:{password}")
    if sess:
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = h(f"{method}:{uri}")
    if nc is None:
        return h(f"{ha1}:{nonce}:{ha2}")
    return h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")


def test_nonce_count_increases_and_cnonce_changes() -> None:
    digest = DigestAuth("root", "pass", _challenge(qop="auth"))
    headers = [_fields(digest.header("GET", f"/axis-cgi/disks/list.cgi?n={i}")) for i in range(3)]
    assert [f["nc"] for f in headers] == ["00000001", "00000002", "00000003"]
    assert len({f["cnonce"] for f in headers}) == 3
    for index, fields in enumerate(headers):
        assert fields["response"] == _expected(
            "md5",
            user="root",
            password="pass",
            realm="AXIS_ACCC8E012345",
            nonce="abc123",
            method="GET",
            uri=f"/axis-cgi/disks/list.cgi?n={index}",
            nc=fields["nc"],
            cnonce=fields["cnonce"],
        )


def test_nonce_count_is_hex_and_per_challenge() -> None:
    digest = DigestAuth("root", "pass", _challenge(qop="auth"))
    for _ in range(15):
        digest.header("GET", "/")
    assert _fields(digest.header("GET", "/"))["nc"] == "00000010"
    fresh = DigestAuth("root", "pass", _challenge(qop="auth", nonce="new"))
    assert _fields(fresh.header("GET", "/"))["nc"] == "00000001"


@pytest.mark.parametrize(
    ("algorithm", "hash_name", "sess"),
    [
        ("SHA-256", "sha256", False),
        ("sha-256", "sha256", False),
        ("MD5-sess", "md5", True),
        ("SHA-256-sess", "sha256", True),
        ("MD5", "md5", False),
    ],
)
def test_algorithms(algorithm: str, hash_name: str, sess: bool) -> None:
    challenge = _challenge(qop="auth", algorithm=algorithm, opaque="op")
    fields = _fields(DigestAuth("admin", "s3cr3t", challenge).header("POST", "/axis-cgi/x.cgi"))
    assert fields["algorithm"] == algorithm
    assert fields["opaque"] == "op"
    expected = _expected(
        hash_name,
        user="admin",
        password="s3cr3t",
        realm="AXIS_ACCC8E012345",
        nonce="abc123",
        method="POST",
        uri="/axis-cgi/x.cgi",
        nc="00000001",
        cnonce=fields["cnonce"],
        sess=sess,
    )
    assert fields["response"] == expected
    assert len(fields["response"]) == (64 if hash_name == "sha256" else 32)


def test_rfc_7616_sha256_response_with_its_cnonce(monkeypatch: pytest.MonkeyPatch) -> None:
    # With the RFC's own cnonce the response must be the RFC's value.
    cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
    monkeypatch.setattr(auth.os, "urandom", lambda _n: _HexLike(cnonce))
    challenge = Challenge(
        "digest",
        {
            "realm": "http-auth@example.org",
            "qop": "auth, auth-int",
            "algorithm": "SHA-256",
            "nonce": "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            "opaque": "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
        },
    )
    fields = _fields(
        DigestAuth("Mufasa", "Circle of Life", challenge).header("GET", "/dir/index.html")
    )
    assert fields["cnonce"] == cnonce
    assert fields["response"] == (
        "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
    )


class _HexLike:
    """Stands in for os.urandom's bytes: its hex() is a given cnonce."""

    def __init__(self, text: str) -> None:
        self._text = text

    def hex(self) -> str:
        return self._text


def test_rfc_2069_without_qop() -> None:
    # RFC 2069 section 2.4 (its password is "CircleOfLife", without spaces).
    challenge = Challenge("digest", {"realm": RFC_REALM, "nonce": RFC_NONCE, "opaque": RFC_OPAQUE})
    header = DigestAuth(RFC_USER, "CircleOfLife", challenge).header("GET", RFC_URI)
    fields = _fields(header)
    assert "qop" not in fields
    assert "nc" not in fields
    assert "cnonce" not in fields
    # RFC 2069: response = H(H(A1):nonce:H(A2)).
    assert fields["response"] == "1949323746fe6a43ef61f9606e7febea"
    assert fields["response"] == _expected(
        "md5",
        user=RFC_USER,
        password="CircleOfLife",
        realm=RFC_REALM,
        nonce=RFC_NONCE,
        method="GET",
        uri=RFC_URI,
        nc=None,
        cnonce=None,
    )


@pytest.mark.parametrize("password", ["Circle Of Life", 'pa ss,word"', "p\u00e4ss", "12345678"])
@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256", "MD5-sess"])
def test_header_never_contains_the_password(password: str, algorithm: str) -> None:
    challenge = _challenge(qop="auth", algorithm=algorithm, opaque="o")
    digest = DigestAuth("root", password, challenge)
    for _ in range(3):
        header = digest.header("GET", "/axis-cgi/param.cgi?action=list")
        assert password not in header
        assert password.encode().hex() not in header
    no_qop = DigestAuth("root", password, _challenge()).header("GET", "/")
    assert password not in no_qop


# ------------------------------------------ Basic -------------------------------------------


def test_basic_header() -> None:
    header = basic_header("root", "pass:word \u00e4")
    assert header.startswith("Basic ")
    assert b64decode(header[6:]).decode() == "root:pass:word \u00e4"
    assert basic_header("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
