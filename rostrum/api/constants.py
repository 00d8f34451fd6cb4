# Room skins offered by ``GET conferences/skins`` (spec §4.7): ids are strings there.
SKINS = ({"id": "1", "name": "Default", "thumbnail": "rostrum/api/skin-default.svg"},)
DEFAULT_SKIN_ID = "1"
