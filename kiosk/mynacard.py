"""Reading the My Number card's text-entry-support application (券面事項入力補助AP).

The AP holds the four basic facts printed on the card (name, address, date of birth, sex)
behind a 4-digit PIN that locks after 3 wrong tries. The command sequence, as publicly
documented by open-source readers of the card:

    SELECT DF by AID   00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08
    SELECT EF (PIN)    00 A4 02 0C 02 00 11
    VERIFY (no data)   00 20 00 80            -> 63 Cx: x tries left (spends none)
    VERIFY             00 20 00 80 04 <PIN as ASCII>
                                              -> 90 00, 63 Cx (wrong, x left), 69 83 (locked)
    SELECT EF (basic)  00 A4 02 0C 02 00 02
    READ BINARY        00 B0 <offset hi> <offset lo> <Le>

The basic-information EF is a BER-TLV: FF 20 <len> { DF 21 header, DF 22 name,
DF 23 address, DF 24 date of birth "YYYYMMDD", DF 25 sex "1" male / "2" female /
"3" not stated }, text in UTF-8.

The reader hides behind `CardReader` (transmit + presence), so the kiosk runs with a PC/SC
reader (`PcscReader`, needs pyscard) or, in tests and demos, `SimulatedReader` holding a
`SimulatedCard` that answers the same APDUs. Nothing read from the card is ever logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from protocol.messages import Applicant

TEXT_AP_AID = bytes.fromhex("D3921000310001010408")
EF_PIN = bytes.fromhex("0011")
EF_BASIC_INFO = bytes.fromhex("0002")
TAG_BASIC_INFO = b"\xff\x20"
TAG_NAME, TAG_ADDRESS, TAG_BIRTH, TAG_SEX = b"\xdf\x22", b"\xdf\x23", b"\xdf\x24", b"\xdf\x25"
PIN_TRIES = 3
SEX_CODES = {"1": "male", "2": "female", "3": "unknown"}


class CardError(RuntimeError):
    """The card answered something unexpected (or is not a My Number card)."""


class CardRemoved(CardError):
    """No card on the reader (taken away mid-read, or never placed)."""


class WrongPin(CardError):
    def __init__(self, remaining: int):
        super().__init__(f"wrong PIN, {remaining} tries left")
        self.remaining = remaining


class CardLocked(CardError):
    """The PIN is blocked (3 wrong tries); only the city office can reset it."""


class CardReader(Protocol):
    def card_present(self) -> bool: ...

    def transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
        """Send one command APDU; (response data, SW1, SW2). Raises CardRemoved."""
        ...


# ---- APDUs ----------------------------------------------------------------------------------

def select_df(aid: bytes) -> bytes:
    return bytes([0x00, 0xA4, 0x04, 0x0C, len(aid)]) + aid


def select_ef(fid: bytes) -> bytes:
    return bytes([0x00, 0xA4, 0x02, 0x0C, len(fid)]) + fid


def verify(pin: str | None) -> bytes:
    if pin is None:
        return bytes([0x00, 0x20, 0x00, 0x80])
    data = pin.encode("ascii")
    return bytes([0x00, 0x20, 0x00, 0x80, len(data)]) + data


def read_binary(offset: int, length: int) -> bytes:
    return bytes([0x00, 0xB0, (offset >> 8) & 0x7F, offset & 0xFF, length & 0xFF])


# ---- TLV --------------------------------------------------------------------------------------

def encode_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    if n <= 0xFF:
        return bytes([0x81, n])
    return bytes([0x82, n >> 8, n & 0xFF])


def parse_length(data: bytes, pos: int) -> tuple[int, int]:
    """(length, position after the length field)."""
    if pos >= len(data):
        raise CardError("TLV truncated in a length field")
    first = data[pos]
    if first < 0x80:
        return first, pos + 1
    count = first & 0x7F
    if count not in (1, 2) or pos + 1 + count > len(data):
        raise CardError("TLV length field is not valid")
    return int.from_bytes(data[pos + 1:pos + 1 + count], "big"), pos + 1 + count


def parse_tlv(data: bytes) -> dict[bytes, bytes]:
    """Two-byte tags (the AP's DF xx) to their values."""
    out: dict[bytes, bytes] = {}
    pos = 0
    while pos < len(data):
        if set(data[pos:]) <= {0x00, 0xFF}:
            break  # padding after the last field
        tag = data[pos:pos + 2]
        length, start = parse_length(data, pos + 2)
        if start + length > len(data):
            raise CardError(f"TLV value of tag {tag.hex()} runs past the data")
        out[tag] = data[start:start + length]
        pos = start + length
    return out


def build_basic_info(name: str, address: str, birth_yyyymmdd: str, sex_code: str) -> bytes:
    """The EF's content as the card holds it (used by the simulated card)."""
    body = b""
    header = bytes.fromhex("0000") + bytes([0x00])  # segment header of the AP, not interpreted
    for tag, value in ((b"\xdf\x21", header), (TAG_NAME, name.encode()),
                       (TAG_ADDRESS, address.encode()), (TAG_BIRTH, birth_yyyymmdd.encode()),
                       (TAG_SEX, sex_code.encode())):
        body += tag + encode_length(len(value)) + value
    return TAG_BASIC_INFO + encode_length(len(body)) + body


def parse_basic_info(data: bytes) -> Applicant:
    if data[:2] != TAG_BASIC_INFO:
        raise CardError("the basic-information file does not start with FF 20")
    length, start = parse_length(data, 2)
    fields = parse_tlv(data[start:start + length])
    try:
        name = fields[TAG_NAME].decode("utf-8").strip()
        address = fields[TAG_ADDRESS].decode("utf-8").strip()
        birth = fields[TAG_BIRTH].decode("ascii")
        sex = SEX_CODES.get(fields[TAG_SEX].decode("ascii"), "unknown")
    except KeyError as exc:
        raise CardError(f"tag {exc.args[0].hex()} is missing from the basic information") from None
    except UnicodeDecodeError:
        raise CardError("the basic information is not valid text") from None
    if len(birth) != 8 or not birth.isdigit():
        raise CardError("the date of birth is not YYYYMMDD")
    return Applicant(name=name, address=address, sex=sex,
                     birth_date=f"{birth[:4]}-{birth[4:6]}-{birth[6:]}")


# ---- the reading sequence ----------------------------------------------------------------------

class TextApReader:
    """Runs the AP's APDU sequence on a CardReader."""

    def __init__(self, reader: CardReader):
        self.reader = reader

    def _ok(self, apdu: bytes, what: str) -> bytes:
        data, sw1, sw2 = self.reader.transmit(apdu)
        if (sw1, sw2) != (0x90, 0x00):
            raise CardError(f"{what} failed: SW {sw1:02X} {sw2:02X}")
        return data

    def _select_pin(self) -> None:
        self._ok(select_df(TEXT_AP_AID), "SELECT text-entry-support AP")
        self._ok(select_ef(EF_PIN), "SELECT PIN EF")

    def remaining_tries(self) -> int:
        """Tries left before the card locks, without spending one."""
        self._select_pin()
        _, sw1, sw2 = self.reader.transmit(verify(None))
        if sw1 == 0x63 and sw2 & 0xF0 == 0xC0:
            return sw2 & 0x0F
        if (sw1, sw2) == (0x69, 0x83):
            return 0
        if (sw1, sw2) == (0x90, 0x00):
            return PIN_TRIES
        raise CardError(f"PIN status failed: SW {sw1:02X} {sw2:02X}")

    def read(self, pin: str) -> Applicant:
        if len(pin) != 4 or not pin.isdigit():
            raise ValueError("the PIN is 4 digits")  # checked here so a typo spends no try
        self._select_pin()
        _, sw1, sw2 = self.reader.transmit(verify(pin))
        if (sw1, sw2) == (0x69, 0x83) or (sw1 == 0x63 and sw2 == 0xC0):
            raise CardLocked("the PIN is locked")
        if sw1 == 0x63 and sw2 & 0xF0 == 0xC0:
            raise WrongPin(sw2 & 0x0F)
        if (sw1, sw2) != (0x90, 0x00):
            raise CardError(f"VERIFY failed: SW {sw1:02X} {sw2:02X}")
        self._ok(select_ef(EF_BASIC_INFO), "SELECT basic-information EF")
        head = self._ok(read_binary(0, 7), "READ BINARY")
        length, start = parse_length(head, 2)
        total = start + length
        data = head[:total]
        while len(data) < total:
            data += self._ok(read_binary(len(data), min(0xFF, total - len(data))), "READ BINARY")
        return parse_basic_info(data)


# ---- the simulated card (tests, demos) ---------------------------------------------------------

@dataclass
class SimulatedCard:
    """A My Number card's text-entry-support AP, answering the real APDUs."""

    name: str
    address: str
    birth_yyyymmdd: str
    sex_code: str = "1"
    pin: str = "1234"
    tries: int = PIN_TRIES

    def __post_init__(self) -> None:
        self._df: bytes | None = None
        self._ef: bytes | None = None
        self._verified = False
        self._files = {EF_BASIC_INFO: build_basic_info(self.name, self.address,
                                                       self.birth_yyyymmdd, self.sex_code)}

    def process(self, apdu: bytes) -> tuple[bytes, int, int]:
        if len(apdu) < 4:
            return b"", 0x67, 0x00
        ins, p1, p2 = apdu[1], apdu[2], apdu[3]
        data = apdu[5:5 + apdu[4]] if len(apdu) > 5 else b""
        if ins == 0xA4:
            return self._select(p1, data)
        if ins == 0x20:
            return self._verify(data)
        if ins == 0xB0:
            return self._read(((p1 & 0x7F) << 8) | p2, apdu[4] if len(apdu) == 5 else 0)
        return b"", 0x6D, 0x00

    def _select(self, p1: int, data: bytes) -> tuple[bytes, int, int]:
        if p1 == 0x04:
            if data != TEXT_AP_AID:
                return b"", 0x6A, 0x82
            self._df, self._ef, self._verified = data, None, False
            return b"", 0x90, 0x00
        if p1 == 0x02 and self._df is not None and data in (EF_PIN, *self._files):
            self._ef = data
            return b"", 0x90, 0x00
        return b"", 0x6A, 0x82

    def _verify(self, data: bytes) -> tuple[bytes, int, int]:
        if self._ef != EF_PIN:
            return b"", 0x69, 0x86
        if self.tries == 0:
            return b"", 0x69, 0x83
        if not data:
            return b"", 0x63, 0xC0 | self.tries
        if data.decode("ascii", "replace") == self.pin:
            self.tries, self._verified = PIN_TRIES, True
            return b"", 0x90, 0x00
        self.tries -= 1
        return b"", 0x63, 0xC0 | self.tries

    def _read(self, offset: int, length: int) -> tuple[bytes, int, int]:
        content = self._files.get(self._ef or b"")
        if content is None:
            return b"", 0x69, 0x86
        if not self._verified:
            return b"", 0x69, 0x82
        if offset > len(content):
            return b"", 0x6B, 0x00
        return content[offset:offset + (length or 256)], 0x90, 0x00


class SimulatedReader:
    """A card reader with a simulated card that can be placed and taken away."""

    def __init__(self, card: SimulatedCard | None = None):
        self.card = card

    def place(self, card: SimulatedCard) -> None:
        self.card = card

    def take(self) -> None:
        self.card = None

    def card_present(self) -> bool:
        return self.card is not None

    def transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
        if self.card is None:
            raise CardRemoved("no card on the reader")
        return self.card.process(apdu)


class PcscReader:
    """The first PC/SC reader (contact or contactless), through pyscard.

    pyscard is optional (it builds against libpcsclite-dev with swig); without it the
    terminal offers manual entry only.
    """

    def __init__(self) -> None:
        from smartcard.System import readers

        found = readers()
        if not found:
            raise CardError("no PC/SC card reader connected")
        self._reader = found[0]
        self._connection = None

    def card_present(self) -> bool:
        from smartcard.Exceptions import CardConnectionException, NoCardException

        try:
            connection = self._reader.createConnection()
            connection.connect()
        except (NoCardException, CardConnectionException):
            self._connection = None
            return False
        self._connection = connection
        return True

    def transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
        if self._connection is None and not self.card_present():
            raise CardRemoved("no card on the reader")
        try:
            data, sw1, sw2 = self._connection.transmit(list(apdu))
        except Exception as exc:  # noqa: BLE001 - pyscard raises several kinds on removal
            self._connection = None
            raise CardRemoved(str(exc)) from None
        return bytes(data), sw1, sw2
