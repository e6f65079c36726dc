"""Pelican settings for publishing: the development settings with absolute feed links."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("ARCHIVE_SITEURL", "")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
