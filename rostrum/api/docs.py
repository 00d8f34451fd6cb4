"""The human page about the API, /developers/api/: built from the OpenAPI description, so every
endpoint added later appears with its examples."""

import functools

from django.conf import settings
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


@functools.cache
def api_operations() -> list[dict]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, item in schema["paths"].items():
        if path.endswith("openapi.json"):
            continue
        for method in METHODS:
            if method in item:
                operation = item[method]
                operations.append(
                    {
                        "method": method.upper(),
                        "path": path.removeprefix("/api/v1/"),
                        "summary": operation.get("summary", ""),
                        "tag": (operation.get("tags") or ["Other"])[0],
                        "has_path_parameters": "{" in path,
                    }
                )
    return sorted(operations, key=lambda o: (o["tag"], o["path"], METHODS.index(o["method"].lower())))


def developers(request):
    base_url = settings.SITE_URL.rstrip("/") + "/api/v1/"
    return render(request, "api/developers.html", {"operations": api_operations(), "base_url": base_url})
