# Type stub of the native module; a test checks it against the built module.
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Optional, TypedDict, Union, final

__version__: str

UserId = Union[str, bytes, bytearray, memoryview, int]
Secret = Union[str, bytes, bytearray, memoryview]
KeyLike = Union[Secret, SecurityKey]

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
        id: Optional[str] = None,
        accept_until: Optional[datetime] = None,
    ) -> None: ...
    @property
    def id(self) -> Optional[str]: ...
    @property
    def accept_until(self) -> Optional[datetime]: ...

@final
class VerificationResult:
    @property
    def valid(self) -> bool: ...
    @property
    def key_id(self) -> Optional[str]: ...
    @property
    def code(self) -> Optional[str]: ...
    @property
    def message(self) -> Optional[str]: ...
    @property
    def detail(self) -> Optional[str]: ...
    def __bool__(self) -> bool: ...

@final
class Keyring:
    def __init__(
        self,
        current: KeyLike,
        previous: Union[KeyLike, Iterable[KeyLike], None] = (),
        retired: Union[KeyLike, Iterable[KeyLike], None] = (),
    ) -> None: ...
    def sign(self, user_id: UserId) -> str: ...
    def verify(
        self, user_id: object, signature: object, *, now: Optional[datetime] = None
    ) -> VerificationResult: ...
    def assert_valid(
        self, user_id: object, signature: object, *, now: Optional[datetime] = None
    ) -> str: ...
    def stats(self) -> KeyringStats: ...
    @property
    def key_ids(self) -> list[str]: ...

def generate_identity_signature(
    user_id: UserId, security_key: Optional[Secret] = None
) -> str: ...
def verify(
    user_id: object, signature: object, security_key: Optional[Secret] = None
) -> bool: ...
def generate_security_key() -> str: ...
def keyring_from_env(environ: Optional[Mapping[str, str]] = None) -> Keyring: ...
