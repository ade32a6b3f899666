"""patent_import: rows per second of the bulk CSV import (one Celery job, chunks of bulk inserts)
against creating the same patents one by one through `patent_create`, the per-object path."""

import csv
import io
import time
from datetime import date, timedelta

from common import report, setup_django

ROWS, BASELINE_ROWS = 10_000, 1_000


def main() -> None:
    setup_django("bench_import")
    from django.utils import timezone

    from ipmarket.accounts.models import Membership, Organisation, User
    from ipmarket.accounts.validators import uscc_check_char
    from ipmarket.assets.identifiers import make_application_number
    from ipmarket.assets.imports import patent_import_create, patent_import_run
    from ipmarket.assets.services import patent_create

    def organisation(n: int) -> Organisation:
        first17 = f"91512000{n:09d}"
        code = first17 + uscc_check_char(first17)
        return Organisation.objects.create(
            name=f"基准测试企业{n}", kind="enterprise", unified_social_credit_code=code, city="资阳"
        )

    bulk_owner, single_owner = organisation(1), organisation(2)
    person = User.objects.create(username="bench")
    for org in (bulk_owner, single_owner):
        Membership.objects.create(user=person, organisation=org, role="admin")
    paid_until = timezone.localdate() + timedelta(days=200)

    def fields(serial: int) -> dict:
        return {
            "application_number": make_application_number(2019, "1", serial),
            "patent_type": "invention",
            "title": f"一种基准测试装置{serial}",
            "abstract": "本发明公开了一种测试装置。",
            "filing_date": "2019-03-15",
            "grant_date": "2021-06-01",
            "legal_status": "granted",
            "annual_fee_paid_until": paid_until.isoformat(),
        }

    out = io.StringIO()
    writer = csv.DictWriter(out, [*fields(0), "ipc_codes"])
    writer.writeheader()
    for i in range(ROWS):
        writer.writerow({**fields(100_000 + i), "ipc_codes": "H01L 21/02; G06F 17/30"})
    started = time.perf_counter()
    job = patent_import_create(by=person, owner=bulk_owner, file_name="bench.csv", content=out.getvalue().encode())
    job = patent_import_run(import_id=job.pk)
    bulk_rate = job.created / (time.perf_counter() - started)
    assert job.created == ROWS, job.errors[:3]

    started = time.perf_counter()
    for i in range(BASELINE_ROWS):
        values = fields(500_000 + i)
        values.update(filing_date=date(2019, 3, 15), grant_date=date(2021, 6, 1), annual_fee_paid_until=paid_until)
        patent_create(by=person, owner=single_owner, ipc_codes=["H01L 21/02", "G06F 17/30"], **values)
    single_rate = BASELINE_ROWS / (time.perf_counter() - started)
    report("patent_import", bulk_rate, single_rate, "rows/s")


if __name__ == "__main__":
    main()
