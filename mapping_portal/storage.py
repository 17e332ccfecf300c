"""Storage for uploads on S3-compatible object storage, used when STORAGE_S3_BUCKET is set (settings.py).

`PrivateS3Storage` is django-storages' S3Storage whose `url()` is the portal's own access-checked view
(`MEDIA_URL` + the file's name, as with the local disk), never the bucket's address or a signed link: a logo or a
photo is still sent only by mapping_portal.media.serve after its rule allowed the user. django-storages is
imported only when the class is asked for, so the portal runs without it on a local disk.
"""

import functools

from django.conf import settings
from django.utils.encoding import filepath_to_uri


class ServedThroughPortal:
    """A storage mixin: every file's URL is the portal's /media/ view."""

    def url(self, name, *args, **kwargs):
        return settings.MEDIA_URL + filepath_to_uri(name).lstrip("/")


@functools.cache
def _private_s3_storage():
    from storages.backends.s3 import S3Storage

    return type("PrivateS3Storage", (ServedThroughPortal, S3Storage), {"__module__": __name__})


def __getattr__(name):
    if name == "PrivateS3Storage":
        return _private_s3_storage()
    raise AttributeError(name)
