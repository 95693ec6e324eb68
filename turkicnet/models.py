"""Every feature's models, imported together so that the metadata (and Alembic) know every table."""

from .auth import models as auth_models  # noqa: F401
from .centers import models as center_models  # noqa: F401
from .core import models as core_models  # noqa: F401
from .protocol import models as protocol_models  # noqa: F401
from .reports import models as report_models  # noqa: F401
