"""Every table of the server on one ``Base.metadata``: the rooms' model modules imported in
one place, for Alembic's environment (autogenerate) and for the test that checks the
migrations build exactly the models. A room with tables of its own is added here."""

from __future__ import annotations

import workstation.server.approvals.models
import workstation.server.complaints.models
import workstation.server.disputes.models
import workstation.server.kpi_delinquency  # the cure and roll rollups
import workstation.server.kpi_summaries  # running totals the KPIs read
import workstation.server.lifecycle.models
import workstation.server.messaging.models
import workstation.server.portal.models
import workstation.server.privacy.models  # anonymisations, legal holds
import workstation.server.quality.models
import workstation.server.strategy.models  # noqa: F401
from workstation.server.models import Base

metadata = Base.metadata
