"""Parameters exactly as ClickMeeting's clients send them (spec §2.3), and the lenient converters."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from rostrum.api.errors import ApiError
from rostrum.api.params import as_bool, as_datetime, as_duration, as_int, as_str, decode_query, decode_query_string

# --- decoding, as a table ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoded", "decoded"),
    [
        ("a=1", {"a": "1"}),
        ("a[b]=1&a[c]=2", {"a": {"b": "1", "c": "2"}}),
        ("a[]=1&a[]=2", {"a": ["1", "2"]}),
        ("a[0]=x&a[1]=y", {"a": ["x", "y"]}),
        ("a[1]=x&a[0]=y", {"a": ["y", "x"]}),
        ("a[0]=x&a[5]=y", {"a": {"0": "x", "5": "y"}}),
        ("registration[1]=John&registration[2]=Doe&registration[3]=j%40d.e",
         {"registration": {"1": "John", "2": "Doe", "3": "j@d.e"}}),
        ("registration%5B1%5D=John", {"registration": {"1": "John"}}),
        ("attendees[][email]=a&attendees[][email]=b", {"attendees": [{"email": "a"}, {"email": "b"}]}),
        ("attendees[][email]=a&attendees[][role]=listener&attendees[][email]=b&attendees[][role]=presenter",
         {"attendees": [{"email": "a", "role": "listener"}, {"email": "b", "role": "presenter"}]}),
        ("attendees[0][email]=a&attendees[1][email]=b", {"attendees": [{"email": "a"}, {"email": "b"}]}),
        ("a[b][c][d]=1", {"a": {"b": {"c": {"d": "1"}}}}),
        ("a[][tags][]=x&a[][tags][]=y", {"a": [{"tags": ["x", "y"]}]}),
        ("a=1&a=2", {"a": "2"}),
        ("a=1&a[b]=2", {"a": {"b": "2"}}),
        ("name=My+room&other=My%20room", {"name": "My room", "other": "My room"}),
        ("flag", {"flag": ""}),
        ("a[b=1", {"a[b": "1"}),  # not well formed: a literal name
        ("[x]=1", {"[x]": "1"}),
        ("a%5Bb%5D%5B%5D=1", {"a": {"b": ["1"]}}),
        ("q=%FF", {"q": "\ufffd"}),  # bad UTF-8 is replaced, not a 500
        ("", {}),
    ],
)  # fmt: skip
def test_php_style_keys_decode_into_nested_dicts_and_lists(encoded, decoded):
    assert decode_query(encoded) == decoded


def test_a_json_suffix_glued_to_the_last_query_value_is_dropped():
    assert decode_query_string("page=1.json") == {"page": "1"}
    assert decode_query_string("name=x&page=2.json") == {"name": "x", "page": "2"}


def test_absurdly_deep_keys_stay_literal_names():
    key = "a" + "[x]" * 20
    assert decode_query(f"{key}=1") == {key: "1"}


# --- converters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("0", False), ("true", True), ("false", False), ("True", True), ("False", False),
     ("on", True), ("off", False), ("yes", True), ("no", False), (True, True), (False, False), (1, True), (0, False),
     (" TRUE ", True), ("None", None), ("", None), (None, None), ("null", None)],
)  # fmt: skip
def test_as_bool_accepts_what_clients_send(value, expected):
    assert as_bool(value, "lobby_enabled") is expected


def test_as_bool_uses_the_default_when_absent_and_refuses_nonsense():
    assert as_bool("None", "x", default=True) is True
    with pytest.raises(ApiError) as error:
        as_bool("maybe", "lobby_enabled")
    assert error.value.status == 422 and error.value.errors[0][0] == "lobby_enabled"
    with pytest.raises(ApiError):
        as_bool({"a": "1"}, "lobby_enabled")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", 1), (" 42 ", 42), (7, 7), ("3.0", 3), ("1.json", 1), ("-2", -2), ("", None), ("None", None)],
)
def test_as_int_is_lenient(value, expected):
    assert as_int(value, "page") == expected


@pytest.mark.parametrize("value", ["abc", "1.5", True, "1e3", "9" * 30, ["1"]])
def test_as_int_refuses_what_is_not_a_whole_number(value):
    with pytest.raises(ApiError) as error:
        as_int(value, "page")
    assert error.value.status == 422


def test_as_int_checks_the_range():
    assert as_int("5", "how_many", minimum=1, maximum=10) == 5
    with pytest.raises(ApiError):
        as_int("0", "how_many", minimum=1)


def test_as_str_trims_and_limits():
    assert as_str("  Sales  ", "name") == "Sales"
    assert as_str("None", "name", default="x") == "x"
    with pytest.raises(ApiError):
        as_str("x" * 11, "name", max_length=10)


@pytest.mark.parametrize(
    ("value", "minutes"),
    [("1:30", 90), ("0:20", 20), ("3:00", 180), ("1", 60), ("6", 360), (2, 120), ("1.5", 90), ("1:30:00", 90),
     ("None", None)],
)  # fmt: skip  # fmt: skip
def test_as_duration_reads_hours_and_minutes_or_bare_hours(value, minutes):
    assert as_duration(value) == minutes


@pytest.mark.parametrize("value", ["abc", "1:75", "-1", "1h", True])
def test_as_duration_refuses_nonsense(value):
    with pytest.raises(ApiError):
        as_duration(value)


WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-05-04 14:30", datetime(2026, 5, 4, 14, 30, tzinfo=WARSAW)),
        ("2026-05-04 14:30:15", datetime(2026, 5, 4, 14, 30, 15, tzinfo=WARSAW)),
        ("2026-05-04T14:30:00", datetime(2026, 5, 4, 14, 30, tzinfo=WARSAW)),
        ("2026-05-04T12:30:00Z", datetime(2026, 5, 4, 12, 30, tzinfo=UTC)),
        ("2026-05-04T14:30:00+03:00", datetime(2026, 5, 4, 14, 30, tzinfo=timezone(timedelta(hours=3)))),
        ("2026-05-04T12:30:00.123Z", datetime(2026, 5, 4, 12, 30, 0, 123000, tzinfo=UTC)),
    ],
)
def test_as_datetime_reads_clients_formats_and_naive_values_in_the_rooms_zone(value, expected):
    parsed = as_datetime(value, "Europe/Warsaw")
    assert parsed == expected
    assert parsed.tzinfo is not None


def test_as_datetime_defaults_to_utc_and_refuses_nonsense():
    assert as_datetime("2026-05-04 14:30", None) == datetime(2026, 5, 4, 14, 30, tzinfo=UTC)
    assert as_datetime("None", "UTC") is None
    with pytest.raises(ApiError) as error:
        as_datetime("next tuesday", "UTC", name="starts_at")
    assert error.value.errors == [("starts_at", error.value.message)]


# --- over HTTP: the bodies real clients send ----------------------------------------------------

ECHO = "/api/v1/echo"


def echo(api, method, path=ECHO, body="", content_type="application/x-www-form-urlencoded", **extra):
    response = api.generic(method, path, body, content_type=content_type, **extra)
    assert response.status_code == 200, response.content
    return response.json()["params"]


@pytest.mark.django_db
@pytest.mark.urls("rostrum.api.tests.echo_urls")
class TestWhatClientsSend:
    def test_php_http_build_query(self, api):
        body = (
            "name=My+room&room_type=meeting&permanent_room=0&access_type=1&lobby_enabled=1"
            "&registration%5Benabled%5D=1&registration%5Btemplate%5D=1"
            "&attendees%5B0%5D%5Bemail%5D=a%40b.example&attendees%5B1%5D%5Bemail%5D=c%40d.example"
        )
        assert echo(api, "POST", body=body) == {
            "name": "My room", "room_type": "meeting", "permanent_room": "0", "access_type": "1",
            "lobby_enabled": "1", "registration": {"enabled": "1", "template": "1"},
            "attendees": [{"email": "a@b.example"}, {"email": "c@d.example"}],
        }  # fmt: skip

    def test_php_put_without_parameters(self, api):
        assert echo(api, "PUT", path=ECHO + "/12.json") == {}

    def test_python_client_booleans_nones_and_empty_brackets(self, api):
        body = (
            "name=My%20room&lobby_enabled=True&permanent_room=False&password=None"
            "&settings%5Bshow_on_personal_page%5D=True"
            "&attendees%5B%5D%5Bemail%5D=a%40b.example&attendees%5B%5D%5Bemail%5D=c%40d.example"
        )
        params = echo(api, "POST", body=body)
        assert params["name"] == "My room"
        assert params["lobby_enabled"] == "True" and params["permanent_room"] == "False"
        assert params["settings"] == {"show_on_personal_page": "True"}
        assert params["attendees"] == [{"email": "a@b.example"}, {"email": "c@d.example"}]
        assert params["password"] == "None"  # as_str/as_bool read it as absent

    @pytest.mark.parametrize("method", ["GET", "DELETE"])
    def test_python_client_literal_none_body_on_get_and_delete(self, api, method):
        assert echo(api, method, path=ECHO + "?page=1.json", body="None") == {"page": "1"}

    def test_ruby_client_sorted_pairs(self, api):
        body = (
            "attendees%5B%5D%5Bemail%5D=a%40b.example&attendees%5B%5D%5Bemail%5D=c%40d.example"
            "&name=My+room&settings%5Bx%5D=1"
        )
        assert echo(api, "POST", body=body) == {
            "attendees": [{"email": "a@b.example"}, {"email": "c@d.example"}],
            "name": "My room",
            "settings": {"x": "1"},
        }

    def test_node_client_puts_everything_in_the_query_without_a_content_type(self, api):
        assert echo(api, "POST", path=ECHO + "/?name=My%20room&room_type=webinar", content_type="") == {
            "name": "My room",
            "room_type": "webinar",
        }

    def test_go_client_sends_a_form_body_without_a_content_type(self, api):
        body = "settings[thank_you_emails_enabled]=1&attendees[][email]=a%40b.example"
        assert echo(api, "POST", body=body, content_type="") == {
            "settings": {"thank_you_emails_enabled": "1"}, "attendees": [{"email": "a@b.example"}],
        }  # fmt: skip

    def test_json_body(self, api):
        body = '{"registration": {"1": "John", "2": "Doe"}, "lobby_enabled": true, "duration": 2}'
        assert echo(api, "POST", body=body, content_type="application/json") == {
            "registration": {"1": "John", "2": "Doe"}, "lobby_enabled": True, "duration": 2,
        }  # fmt: skip

    def test_json_body_without_a_content_type(self, api):
        assert echo(api, "POST", body='{"name": "x"}', content_type="") == {"name": "x"}

    def test_parameters_in_the_query_of_post_and_put(self, api):
        assert echo(api, "PUT", path=ECHO + "/5?name=Renamed&permanent_room=false") == {
            "name": "Renamed",
            "permanent_room": "false",
        }

    def test_the_body_wins_over_the_query_and_nested_values_merge(self, api):
        params = echo(api, "POST", path=ECHO + "?name=q&settings[a]=1", body="name=b&settings%5Bb%5D=2")
        assert params == {"name": "b", "settings": {"a": "1", "b": "2"}}

    def test_multipart_fields_and_files(self, api):
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = api.post(
            ECHO, {"name": "Slides", "settings[x]": "1", "uploaded": SimpleUploadedFile("a.txt", b"hello")}
        )
        assert response.status_code == 200
        assert response.json()["params"] == {"name": "Slides", "settings": {"x": "1"}}
        assert response.json()["files"] == {"uploaded": "hello"}

    def test_path_arguments_reach_the_view(self, api):
        response = api.get(ECHO + "/77.json")
        assert response.json()["kwargs"] == {"room_id": "77"}

    @pytest.mark.parametrize(
        ("body", "content_type"),
        [("{not json", "application/json"), ("[1, 2]", "application/json"), ("\xff\xfe", "text/plain")],
    )
    def test_bad_bodies_answer_400_not_500(self, api, body, content_type):
        response = api.generic("POST", ECHO, body, content_type=content_type)
        assert response.status_code in (200, 400)
        assert response["Content-Type"] == "application/json"
        if response.status_code == 400:
            assert response.json()["code"] == 400
