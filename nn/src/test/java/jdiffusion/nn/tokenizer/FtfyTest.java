package jdiffusion.nn.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * ftfy and HTML unescaping beyond what the tokenizer fixture exercises. Expected values were
 * produced by running ftfy 6.1.1 (the version the webui environment pins) and Python 3.11's
 * {@code html.unescape} on the same strings.
 */
class FtfyTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\u0000', ignoreLeadingAndTrailingWhitespace = false, textBlock = """
            schÃ¶n|schön
            voilÃ le travail|voilà le travail
            âœ” No problems|✔ No problems
            &macr;\\_(ã\u0083\u0084)_/&macr;|¯\\_(ツ)_/¯
            Broken text&hellip; it&#x2019;s ﬂubberiﬁc!|Broken text… it's flubberific!
            ＬＯＵＤ\u3000ＮＯＩＳＥＳ|LOUD NOISES
            P&EACUTE;REZ|PÉREZ
            BUNDESSTRA&SZLIG;E|BUNDESSTRASSE
            &ntilde; &Ntilde; &NTILDE; &nTILDE;|ñ Ñ Ñ &nTILDE;
            cafÃ© and naÃ¯ve|café and naïve
            l\u0092amour|l'amour
            a\u0081b \u0093q\u0094|a\u0081b "q"
            Ã la mode|à la mode
            a < b &amp; c|a < b &amp; c
            x &amp;amp;amp; y|x & y
            Ã\u00A0 la|à la
            \u001B[36;44mblue\u001B[0m|blue
            e\u0301|é
            the Ã¢â‚¬Å“quotesÃ¢â‚¬Â\u009D|the "quotes"
            Ð¿Ñ€Ð¸Ð²ÐµÑ‚|привет
            &#x1F600; &#128512; &#0; &#x80;|😀 😀 \uFFFD €
            Ｕﾀｰﾝ|Uターン
            ’curly’ “double”|'curly' "double"
            """)
    void fixTextMatchesFtfy611(String in, String expected) {
        assertEquals(expected, Ftfy.fixText(in));
    }

    @Test
    void lossySequencesAndLineHandling() {
        assertEquals("\" like this \uFFFD", Ftfy.fixText("â€œ like this â€\uFFFD"));
        // A line containing '<' switches entity decoding off for itself and every later line.
        assertEquals("line1\nline2 <b>\n&amp;", Ftfy.fixText("line1\r\nline2 <b>\n&amp;"));
        assertEquals("&\n<b>", Ftfy.fixText("&amp;\n<b>"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\u0000', ignoreLeadingAndTrailingWhitespace = false, textBlock = """
            &amp;|&
            &amp|&
            &ampfoo|&foo
            &notit;|¬it;
            &notin;|∉
            &#65;|A
            &#x41|A
            &#X1F600;|😀
            &#0;|\uFFFD
            &#x80;|€
            &#x81;|\u0081
            &#xD800;|\uFFFD
            &#x110000;|\uFFFD
            &#1;|
            &#xFFFE;|
            &unknown;|&unknown;
            &lt;tag&gt; &quot;q&quot;|<tag> "q"
            &amp;amp;|&amp;
            &AMP;|&
            &Eacute; &EACUTE;|É &EACUTE;
            &#99999999999999999999;|\uFFFD
            a & b|a & b
            """)
    void htmlUnescapeMatchesPython(String in, String expected) {
        assertEquals(expected == null ? "" : expected, HtmlEntities.unescape(in));
    }

    @Test
    void carriageReturnReference() {
        assertEquals("\r", HtmlEntities.unescape("&#13;"));
    }

    @Test
    void strictUtf8() {
        assertEquals("ö", Utf8.decode(new byte[] {(byte) 0xC3, (byte) 0xB6}, false));
        assertNull(Utf8.decode(new byte[] {(byte) 0xC0, (byte) 0x80}, false), "overlong null");
        assertEquals("\0", Utf8.decode(new byte[] {(byte) 0xC0, (byte) 0x80}, true), "Java's null, variants only");
        byte[] cesu = {(byte) 0xED, (byte) 0xA0, (byte) 0xBD, (byte) 0xED, (byte) 0xB8, (byte) 0x80};
        assertNull(Utf8.decode(cesu, false), "encoded surrogates are invalid UTF-8");
        assertEquals("😀", Utf8.decode(cesu, true));
        assertNull(Utf8.decode(new byte[] {(byte) 0xE2, (byte) 0x82}, false), "truncated");
        assertNull(Utf8.decode(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, false), "above U+10FFFF");
        String s = "a€😀ü";
        assertEquals(s, Utf8.decode(s.getBytes(StandardCharsets.UTF_8), false));
    }

    @Test
    void badnessHeuristic() {
        assertTrue(MojibakeBadness.isBad("cafÃ©"));
        assertTrue(MojibakeBadness.isBad("\u0093"));
        assertFalse(MojibakeBadness.isBad("café naïve résumé"));
        assertFalse(MojibakeBadness.isBad("ÀÉÎÕÜ àéîõü"));
        assertFalse(MojibakeBadness.isBad("Straße, Æsir, Œuvre"));
    }

    @Test
    void pythonWhitespace() {
        assertEquals("a b c d", PyText.collapseWhitespace("\u3000a\u00A0\u2003b\u001Cc \t\n d\u0085"));
        assertEquals("a\u200Bb", PyText.collapseWhitespace("a\u200Bb"), "zero-width space is not whitespace");
        assertEquals(1.5, PyText.parseFloat(" 1.5 "));
        assertEquals(-0.25, PyText.parseFloat("-.25"));
        assertEquals(12.0, PyText.parseFloat("١٢"), "Arabic-Indic digits, as Python's float() accepts");
        assertTrue(Double.isNaN(PyText.parseFloat("1.2.3")));
        assertTrue(Double.isNaN(PyText.parseFloat(".")));
    }
}
