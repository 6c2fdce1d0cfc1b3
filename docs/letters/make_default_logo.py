"""Draws resources/images/default_logo.png: a plain, clearly generic text mark for the default letterhead.

It is not the council's real logo; an administrator replaces it in Settings. Run from the repository root:
``python docs/letters/make_default_logo.py`` (needs Pillow, which is only a tool dependency here).
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[2]
FONTS = ROOT / "resources" / "fonts"
OUT = ROOT / "resources" / "images" / "default_logo.png"

# 300 dpi at 51 x 18 mm on paper: sharp when printed, small enough to embed in every letter quickly.
W, H = 600, 212
GREEN = (0, 94, 78, 255)
LEAF = (122, 184, 0, 255)

img = Image.new("RGBA", (W, H), (255, 255, 255, 0))
d = ImageDraw.Draw(img)

# Emblem: a rounded square with three rising bars (a community skyline), nothing that imitates a crest.
d.rounded_rectangle((0, 6, 200, 206), radius=34, fill=GREEN)
for i, (x, top) in enumerate(((38, 110), (84, 72), (130, 40))):
    d.rounded_rectangle((x, top, x + 32, 170), radius=8, fill=(255, 255, 255, 255) if i < 2 else LEAF)
d.rectangle((30, 172, 170, 180), fill=(255, 255, 255, 255))

bold = ImageFont.truetype(str(FONTS / "DejaVuSans-Bold.ttf"), 58)
regular = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 40)
d.text((228, 20), "South", font=bold, fill=GREEN)
d.text((228, 82), "Derbyshire", font=bold, fill=GREEN)
d.text((230, 152), "District Council", font=regular, fill=(60, 60, 60, 255))

img.save(OUT, optimize=True)
print(OUT, img.size)
