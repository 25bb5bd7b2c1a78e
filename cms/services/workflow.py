"""Reviewed publishing: editors submit, the reviewer group approves and publishes.

Run after every migrate (cms.apps), after org has synchronised the role groups.
"""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

WORKFLOW_NAME = _("Editor → reviewer")
TASK_NAME = _("Reviewer approval")


@transaction.atomic
def ensure_review_workflow():
    """Make the site's pages go through a GroupApprovalTask of the reviewer group.

    Idempotent: when the root page's workflow already has a task for the reviewer
    group nothing changes, so an administrator's own workflow set-up is kept as long
    as reviewers approve in it. Returns the workflow.
    """
    from wagtail.models import (
        GroupApprovalTask,
        Page,
        Workflow,
        WorkflowPage,
        WorkflowTask,
    )

    from org import roles

    reviewers = roles.role_group(roles.REVIEWER)
    root = Page.get_first_root_node()
    if root is None:  # a flushed database (transactional tests): no tree yet
        return None
    current = WorkflowPage.objects.filter(page=root).select_related("workflow").first()
    if current is not None and current.workflow.active:
        tasks = GroupApprovalTask.objects.filter(
            pk__in=current.workflow.workflow_tasks.values("task"), active=True
        )
        if tasks.filter(groups=reviewers).exists():
            return current.workflow

    with translation.override("zh-hans"):
        workflow_name, task_name = str(WORKFLOW_NAME), str(TASK_NAME)
    task, _created = GroupApprovalTask.objects.get_or_create(name=task_name)
    task.active = True
    task.save()
    task.groups.set([reviewers])
    workflow, _created = Workflow.objects.get_or_create(name=workflow_name)
    if not workflow.active:
        workflow.active = True
        workflow.save()
    # WorkflowTask directly: the workflow's cluster relation would only add it in
    # memory.
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return workflow


def ensure_review_workflow_after_migrate(sender, **kwargs):
    from django.apps import apps

    # As org's role sync: act once, on the last app's signal, when groups exist.
    configs = [c for c in apps.get_app_configs() if c.models_module is not None]
    if configs and sender.label == configs[-1].label:
        ensure_review_workflow()
