"""Documents: the decision letter (PDF) and the documents attached to an application."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants import letters
from grants.attachments import stored_name
from grants.forms import AttachmentForm
from grants.models import ApplicationAttachment, ApplicationStatus, GrantApplication
from mapping_portal import access
from mapping_portal.shortcuts import error_messages, get_for_user_or_404, require


@login_required
def decision_letter(request, pk, language):
    """The decision on an approved or rejected application as a PDF in Kyrgyz or Russian, for signing."""
    application = get_for_user_or_404(
        GrantApplication.objects.select_related("call", "lead_applicant"), request.user, pk=pk
    )
    require(access.can_manage_grants(request.user))
    if language not in letters.LANGUAGES or application.status not in {
        ApplicationStatus.APPROVED,
        ApplicationStatus.REJECTED,
    }:
        raise Http404
    try:
        pdf = letters.decision_letter(application, language)
    except letters.FontMissing:
        return HttpResponse(
            _("The letter needs the DejaVu fonts on the server (Debian package fonts-dejavu-core)."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"decision-{application.pk}-{language}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_add(request, pk):
    """A document handed in with the application, checked by its content (never a program)."""
    application = get_for_user_or_404(GrantApplication.objects.select_related("site", "call"), request.user, pk=pk)
    require(access.can_attach_documents(request.user, application))
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        attachment = ApplicationAttachment(
            application=application,
            name=form.cleaned_data["name"] or upload.name[:200],
            kind=form.kind,
            size=upload.size,
            uploaded_by=request.user,
        )
        attachment.file.save(stored_name(upload.name, form.kind), upload, save=False)
        attachment.save()
        messages.success(request, _("The document was attached."))
    else:
        error_messages(request, form)
    return redirect("grants:application-detail", pk=application.pk)
