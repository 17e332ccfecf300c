"""Storage for uploads on S3-compatible object storage, used when STORAGE_S3_BUCKET is set (settings.py).

`PrivateS3Storage` is django-storages' S3Storage whose `url()` is the portal's own access-checked view
(`MEDIA_URL` + the file's name, as with the local disk), never the bucket's address or a signed link: a logo or a
photo is still sent only by mapping_portal.media.serve after its rule allowed the user. This module is imported
only when settings name it (boto3 is not loaded on a local disk).
"""

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class ServedThroughPortal:
    """A storage mixin: every file's URL is the portal's /media/ view."""

    def url(self, name, *args, **kwargs):
        return settings.MEDIA_URL + filepath_to_uri(name).lstrip("/")


class PrivateS3Storage(ServedThroughPortal, S3Storage):
    pass
