"""Identifiers people type and share: room numbers, access codes, the one-free-account key."""

from hypothesis import given
from hypothesis import strategies as st

from rostrum.accounts.actions import normalize_email_for_claim
from rostrum.core.ids import format_room_number, normalize_room_number, random_access_code, random_room_number


def test_room_numbers_have_nine_digits_and_no_leading_zero():
    numbers = {random_room_number() for _ in range(2000)}
    assert all(len(n) == 9 and n.isdigit() and n[0] != "0" for n in numbers)
    assert len(numbers) == 2000  # random over 900 million values: no repeats in a small draw


@given(st.integers(min_value=100_000_000, max_value=999_999_999), st.sampled_from([" ", "-", "  ", ""]))
def test_a_room_number_survives_how_people_type_it(number, separator):
    shown = format_room_number(str(number))
    typed = f" {shown.replace('-', separator)} "
    assert normalize_room_number(typed) == str(number)


def test_access_codes_avoid_look_alike_characters():
    codes = [random_access_code() for _ in range(500)]
    assert all(len(code) == 10 for code in codes)
    assert not set("".join(codes)) & set("01OI")


@given(
    st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,8})?", fullmatch=True),
    st.from_regex(r"[a-z0-9]{0,6}", fullmatch=True),
    st.sampled_from(["gmail.com", "googlemail.com", "GMail.com"]),
)
def test_gmail_spellings_of_one_mailbox_claim_one_free_account(local, tag, domain):
    plain = normalize_email_for_claim(f"{local.replace('.', '')}@gmail.com")
    variant = f"{local}{'+' + tag if tag else ''}@{domain}".upper()
    assert normalize_email_for_claim(variant) == plain


@given(st.from_regex(r"[a-z]{1,8}\.[a-z]{1,8}", fullmatch=True))
def test_dots_matter_outside_gmail(local):
    assert normalize_email_for_claim(f"{local}@example.com") != normalize_email_for_claim(
        f"{local.replace('.', '')}@example.com"
    )
