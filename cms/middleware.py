from django.http import HttpResponse

from cms import pagecache


class AnonymousPageCacheMiddleware:
    """Serve anonymous visitors a kept copy of a public page (see cms.pagecache).

    Sits before the session and authentication middleware: a hit costs one cache
    read, no database query and no page routing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not pagecache.is_anonymous_request(request):
            return self.get_response(request)
        key = pagecache.cache_key(request)
        stored = pagecache.cache.get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Pufa-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if request.method == "GET" and pagecache.is_cacheable_response(response):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in {"set-cookie", "x-pufa-cache"}
            ]
            pagecache.cache.set(
                key,
                (response.status_code, headers, response.content),
                timeout=pagecache.timeout(),
            )
            response["X-Pufa-Cache"] = "miss"
        return response
