"""Account-level helpers (spec §3.8): ping, time zones, phone gateways, skins."""

from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from rostrum.api.constants import SKINS
from rostrum.api.errors import ApiError
from rostrum.api.schema import STRING_LIST
from rostrum.api.time_zones import all_zones, zones_by_country
from rostrum.api.views import ApiView, cm_path

TAGS = ["Account"]


class PingView(ApiView):
    @extend_schema(
        tags=TAGS,
        summary="Check the key and the connection",
        responses=inline_serializer("Ping", {"ping": serializers.CharField(default="pong")}),
    )
    def get(self, request):
        return Response({"ping": "pong"})


class TimeZoneListView(ApiView):
    @extend_schema(tags=TAGS, summary="All time zones (IANA names)", responses={200: STRING_LIST})
    def get(self, request):
        return Response(list(all_zones()))


class CountryTimeZoneListView(ApiView):
    @extend_schema(
        tags=TAGS,
        summary="Time zones of one country (ISO 3166 code, any case)",
        responses={200: STRING_LIST},
    )
    def get(self, request, country: str):
        zones = zones_by_country().get(country.upper())
        if zones is None:
            raise ApiError(404, _("Unknown country code: %(country)s") % {"country": country})
        return Response(list(zones))


class PhoneGatewaysView(ApiView):
    @extend_schema(
        tags=TAGS,
        summary="Phone dial-in numbers (Rostrum has none: always empty)",
        responses=inline_serializer(
            "PhoneGateway",
            {
                "code": serializers.CharField(),
                "location": serializers.CharField(),
                "value": serializers.CharField(),
                "geo": inline_serializer(
                    "PhoneGatewayGeo", {"lat": serializers.FloatField(), "long": serializers.FloatField()}
                ),
            },
            many=True,
        ),
    )
    def get(self, request):
        return Response([])


class SkinsView(ApiView):
    @extend_schema(
        tags=TAGS,
        summary="Room skins",
        responses=inline_serializer(
            "Skin",
            {"id": serializers.CharField(), "name": serializers.CharField(), "thumbnail_url": serializers.URLField()},
            many=True,
        ),
    )
    def get(self, request):
        return Response(
            [
                {"id": skin["id"], "name": skin["name"], "thumbnail_url": settings.SITE_URL + static(skin["thumbnail"])}
                for skin in SKINS
            ]
        )


urlpatterns = [
    cm_path(r"ping", PingView, name="api_ping"),
    cm_path(r"time_zone_list", TimeZoneListView, name="api_time_zone_list"),
    cm_path(r"time_zone_list/(?P<country>[A-Za-z]{2})", CountryTimeZoneListView, name="api_country_time_zone_list"),
    cm_path(r"phone_gateways", PhoneGatewaysView, name="api_phone_gateways"),
    cm_path(r"conferences/skins", SkinsView, name="api_conference_skins"),
]
