"""What has no Welsh yet (Welsh Language Standards): one page for editors listing every text
of every kind of content (``trainhub.bilingual.register_kind``) that lacks its Welsh."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from trainhub import bilingual
from trainhub.auth.permissions import role_required
from trainhub.auth.roles import EDITORS
from trainhub.site.views import bp


@bp.get("/admin/welsh")
@role_required(*EDITORS)
def welsh_completeness() -> ResponseReturnValue:
    found = [(kind, kind.gaps(), kind.can_edit(current_user)) for kind in bilingual.kinds()]
    return render_template(
        "site/welsh_completeness.html",
        kinds=found,
        total=sum(len(gaps) for _kind, gaps, _edits in found),
    )
