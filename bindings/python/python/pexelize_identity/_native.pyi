# Type stub of the native module; a test checks it against the built module.
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TypedDict, final

from typing_extensions import TypeAlias

__version__: str

UserId: TypeAlias = str | bytes | bytearray | memoryview | int
Secret: TypeAlias = str | bytes | bytearray | memoryview
KeyLike: TypeAlias = Secret | SecurityKey

class KeyringStats(TypedDict):
    valid: int
    failed: int
    expired: int
    missing: int
    by_key: dict[str, int]

@final
class SecurityKey:
    def __init__(
        self,
        secret: Secret,
        *,
        id: str | None = None,
        accept_until: datetime | None = None,
    ) -> None: ...
    @property
    def id(self) -> str | None: ...
    @property
    def accept_until(self) -> datetime | None: ...

@final
class VerificationResult:
    @property
    def valid(self) -> bool: ...
    @property
    def key_id(self) -> str | None: ...
    @property
    def code(self) -> str | None: ...
    @property
    def message(self) -> str | None: ...
    @property
    def detail(self) -> str | None: ...
    def __bool__(self) -> bool: ...

@final
class Keyring:
    def __init__(
        self,
        current: KeyLike,
        previous: KeyLike | Iterable[KeyLike] | None = (),
        retired: KeyLike | Iterable[KeyLike] | None = (),
    ) -> None: ...
    def sign(self, user_id: UserId) -> str: ...
    def verify(
        self, user_id: object, signature: object, *, now: datetime | None = None
    ) -> VerificationResult: ...
    def assert_valid(
        self, user_id: object, signature: object, *, now: datetime | None = None
    ) -> str: ...
    def stats(self) -> KeyringStats: ...
    @property
    def key_ids(self) -> list[str]: ...

def generate_identity_signature(
    user_id: UserId, security_key: Secret | None = None
) -> str: ...
def verify(
    user_id: object, signature: object, security_key: Secret | None = None
) -> bool: ...
def generate_security_key() -> str: ...
def keyring_from_env(environ: Mapping[str, str] | None = None) -> Keyring: ...
