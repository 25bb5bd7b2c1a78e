"""The proctor board (监考台) in the Wagtail admin: /admin/exams/board/<sitting_id>/.

The page draws the live roster from the proctor socket's frames; its buttons post
to one action view, which calls ``quizzes.services.board`` (permission, service,
``ProctorAction`` log) and sends the broadcasts. Works without JavaScript too
(the forms post and come back with a message).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from quizzes.candidate_views import send_broadcasts
from quizzes.services import board
from quizzes.services.errors import QuizError


class BoardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "quizzes/board/board.html"
    header_icon = "view"
    page_title = gettext_lazy("Proctor board")

    def dispatch(self, request, *args, **kwargs):
        self.roster = board.roster_for(request.user, kwargs["sitting_id"])
        if self.roster is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.roster["sitting"]["name"]

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        sitting_id = self.kwargs["sitting_id"]
        return super().get_context_data(
            roster=self.roster,
            socket_path=f"/ws/proctor/{sitting_id}/",
            action_url=reverse("exam_board:action", args=[sitting_id]),
            **kwargs,
        )


def _minutes(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


# action name -> (service, the POST fields it takes)
ACTIONS = {
    "open": (board.open_sitting, ()),
    "close": (board.close_sitting, ()),
    "extend": (board.extend_time, ("minutes", "candidate_id")),
    "force_submit": (board.force_submit, ("candidate_id",)),
    "readmit": (board.readmit, ("candidate_id",)),
    "reissue": (board.reissue_ticket, ("candidate_id",)),
    "notice": (board.send_notice, ("text",)),
}


@require_POST
def action(request, sitting_id):
    """One proctor action; JSON for the board's script, else a redirect back."""
    name = request.POST.get("action", "")
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        if name not in ACTIONS:
            raise QuizError("unknown_action", _("Unknown action."))
        service, fields = ACTIONS[name]
        arguments = {field: request.POST.get(field) or None for field in fields}
        if "minutes" in arguments:
            arguments["minutes"] = _minutes(arguments["minutes"])
        if "text" in arguments:
            arguments["text"] = arguments["text"] or ""
        outcome = service(user=request.user, sitting_id=sitting_id, **arguments)
    except QuizError as error:
        if wants_json:
            status = 403 if error.code == "forbidden" else 400
            return JsonResponse(
                {"ok": False, "code": error.code, "message": str(error.message)},
                status=status,
            )
        if error.code == "forbidden":
            raise PermissionDenied from None
        messages.error(request, error.message)
        return redirect("exam_board:board", sitting_id)
    send_broadcasts(outcome.broadcasts)
    if wants_json:
        return JsonResponse({"ok": True, **outcome.reply})
    messages.success(request, outcome.reply["message"])
    return redirect("exam_board:board", sitting_id)
