"""The service's pages for people (server-rendered, Vietnamese): sign-in (``auth``) and the reviewer's page
(``review``); the counter's and the supervisor's pages are to join them here. Shared infrastructure (templates,
sessions, CSRF, audit) is in ``web``; templates in ``service/templates``, assets in ``service/static/pages``.
"""

from __future__ import annotations

from fastapi import APIRouter

from service.pages import auth, review

router = APIRouter(include_in_schema=False)
router.include_router(auth.router)
router.include_router(review.router)
