from pydantic import BaseModel, ConfigDict


class Frame(BaseModel):
    """A client frame's ``data``: unknown fields are refused, nothing is guessed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Empty(Frame):
    pass
