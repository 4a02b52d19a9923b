"""Small text-dump pages in the mirrored site's format, written inline by the tests."""

from __future__ import annotations

MENU = "الرئيسيةأخبارسياسةأعمالرياضةالعالمتكنولوجيااقتصادصحةتسلية"


def text_dump(
    title: str = "فوز مثير للمنتخب في التصفيات الآسيوية",
    summary: str = "حقق المنتخب فوزاً مثيراً في الدقائق الأخيرة من المباراة. خَبَرَيْن.",
    images: tuple[tuple[str, str], ...] = (),
    category: str = "رياضة",
    body: tuple[str, ...] = (
        "أجواء المباراة",
        "شهدت المباراة حضوراً جماهيرياً كبيراً في 12 مارس 2025 وسط أجواء حماسية.",
        "وقال المدرب بعد اللقاء إن الفريق قدم أداءً رائعاً.",
    ),
    related: tuple[tuple[str, str, str, str], ...] = (),
    menu: bool = True,
) -> str:
    """Assemble a page the way the site's text dumps lay it out."""
    parts = ["خَبَرَيْن logo", "", title, "", summary, ""]
    for alt, caption in images:
        parts += [alt, caption]
    parts += [f"التصنيف:{category}", "شارك الخبر:", "FacebookTwitterLinkedInEmail", ""]
    for block in body:
        parts += [block, ""]
    if related:
        parts += ["أخبار ذات صلة", ""]
        for alt, rtitle, rsummary, rcat in related:
            parts += ["Loading...", alt, "", rtitle, "", rsummary, rcat]
    if menu:
        parts.append(MENU)
    return "\n".join(parts)
