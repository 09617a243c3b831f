"""Login (with lock-out messages), logout and the user's API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuquan.accounts.forms import TokenForm
from tuquan.accounts.models import ApiToken, User
from tuquan.accounts.services import create_token, revoke_token


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        username = form.data.get("username", "")
        account = User.objects.filter(username=username).first()
        if account is not None and account.is_locked():
            until = timezone.localtime(account.locked_until)
            form.errors.clear()
            form.add_error(
                None,
                _(
                    "Too many failed attempts: this account is locked until %(time)s. "
                    "Try again later or ask your administrator."
                )
                % {"time": until.strftime("%H:%M %d/%m/%Y")},
            )
        return super().form_invalid(form)


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = create_token(
            user=request.user, name=form.cleaned_data["name"]
        )
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "accounts/token_list.html",
        {"tokens": tokens, "form": form, "new_token": new_token},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    revoke_token(token=token, by=request.user)
    messages.success(request, _("The token was revoked."))
    return redirect("token_list")
