from huey.contrib.djhuey import db_task

from rostrum.contacts.importer import do_run_import


@db_task()
def run_contact_import(import_id: int) -> None:
    do_run_import(import_id)
