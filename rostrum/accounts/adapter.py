from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class RostrumAccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's e-mails (confirmation, password reset) go through the queue like all others."""
        from rostrum.notifications.mail import queue_on_commit

        queue_on_commit(
            self.render_mail(template_prefix, email, context), kind=f"accounts.{template_prefix.rsplit('/')[-1]}"
        )

    def clean_email(self, email: str) -> str:
        from rostrum.accounts.actions import has_claimed_free_account
        from rostrum.accounts.models import User

        email = super().clean_email(email)
        # A live login with this address goes through allauth's enumeration-safe path (an e-mail to
        # the owner); what is refused here is a second free account after the first was deleted,
        # or for the same mailbox under another spelling (a +tag, Gmail dots).
        if not User.objects.filter(email__iexact=email).exists() and has_claimed_free_account(email):
            raise ValidationError(_("A free account was already created for this e-mail address."))
        return email
