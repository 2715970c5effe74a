/*
 * normalize.c - the folding tables of normalize.h.
 */
#include <stdint.h>
#include <string.h>

#include "util/normalize.h"

/* Transliteration of the non-ASCII letters a name may hold: Azerbaijani
 * Latin, Turkish, Russian and Azerbaijani Cyrillic (either case). */
static const struct {
	uint32_t cp;
	const char *latin;
} letters[] = {
	{0x0259, "a"}, {0x018F, "a"}, {0x00E7, "ch"}, {0x00C7, "ch"}, {0x015F, "sh"},
	{0x015E, "sh"}, {0x011F, "g"}, {0x011E, "g"}, {0x0131, "i"}, {0x0130, "i"},
	{0x00F6, "o"},  {0x00D6, "o"}, {0x00FC, "u"},  {0x00DC, "u"},  {0x00E2, "a"},
	{0x00E4, "a"},  {0x00E9, "e"}, {0x00ED, "i"},  {0x00E1, "a"},  {0x00F3, "o"},
	{0x00FA, "u"},  {0x00F1, "n"},
	/* Cyrillic а..я (U+0430..U+044F); capitals are folded to these first */
	{0x0430, "a"},  {0x0431, "b"}, {0x0432, "v"},  {0x0433, "g"},  {0x0434, "d"},
	{0x0435, "e"},  {0x0436, "zh"}, {0x0437, "z"}, {0x0438, "i"},  {0x0439, "y"},
	{0x043A, "k"},  {0x043B, "l"}, {0x043C, "m"},  {0x043D, "n"},  {0x043E, "o"},
	{0x043F, "p"},  {0x0440, "r"}, {0x0441, "s"},  {0x0442, "t"},  {0x0443, "u"},
	{0x0444, "f"},  {0x0445, "kh"}, {0x0446, "ts"}, {0x0447, "ch"}, {0x0448, "sh"},
	{0x0449, "sch"}, {0x044A, ""}, {0x044B, "y"},  {0x044C, ""},   {0x044D, "e"},
	{0x044E, "yu"}, {0x044F, "ya"}, {0x0451, "yo"},
	/* Azerbaijani Cyrillic */
	{0x04D9, "a"},  {0x04B9, "c"}, {0x04BB, "h"},  {0x0458, "y"},  {0x04E9, "o"},
	{0x04AF, "u"},  {0x0493, "g"}, {0x049D, "g"},
};

/* Decodes one UTF-8 sequence; *len receives its length (1 for a bad byte). */
static uint32_t decode(const unsigned char *s, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
		*len = 2;
		return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
	}
	if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
		*len = 3;
		return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
	}
	*len = 1;
	return 0xFFFD;
}

/* Cyrillic capitals to small letters, so one table serves both. */
static uint32_t fold_cyrillic(uint32_t cp)
{
	if (cp >= 0x0410 && cp <= 0x042F)
		return cp + 0x20;
	if (cp == 0x0401)
		return 0x0451;
	if (cp == 0x04D8 || cp == 0x04B8 || cp == 0x04BA || cp == 0x04E8 || cp == 0x04AE ||
	    cp == 0x0492 || cp == 0x049C)
		return cp + 1;
	if (cp == 0x0408)
		return 0x0458;
	return cp;
}

static const char *latin_of(uint32_t cp)
{
	cp = fold_cyrillic(cp);
	for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
		if (letters[i].cp == cp)
			return letters[i].latin;
	return NULL;
}

/* Appends `s` to out, keeping a repeated letter once. */
static void put(char *out, size_t *n, const char *s)
{
	for (; *s && *n + 1 < NORMALIZE_MAX; s++)
		if (*n == 0 || out[*n - 1] != *s)
			out[(*n)++] = *s;
}

size_t normalize_name(const char *in, char *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t n = 0, len;
	while (*p) {
		uint32_t cp = decode(p, &len);
		char ascii[2] = {0, 0};
		const char *latin = NULL;
		if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		if (cp >= 'a' && cp <= 'z') {
			ascii[0] = (char)cp;
			latin = ascii;
		} else if (cp >= 0x80) {
			latin = latin_of(cp);
		}
		if (latin)
			put(out, &n, latin);
		p += len;
	}
	out[n] = '\0';
	return n;
}

/* The class of a consonant in the skeleton; 0 for a vowel. */
static char consonant_class(char c)
{
	switch (c) {
	case 'a': case 'e': case 'i': case 'o': case 'u': case 'y': case 'w': return 0;
	case 'h': case 'k': case 'q': case 'x': return 'g';
	case 'j': return 'c';
	default: return c;
	}
}

/* Sounds written with two or three letters, taken as one consonant. */
static const struct {
	const char *letters;
	char cls;
} digraphs[] = {
	{"dzh", 'c'}, {"ch", 'c'}, {"zh", 'c'}, {"dj", 'c'}, {"sh", 's'}, {"kh", 'g'}, {"ts", 's'},
};

size_t normalize_skeleton(const char *folded, char *out)
{
	size_t n = 0;
	for (size_t i = 0; folded[i] && n + 1 < NORMALIZE_MAX;) {
		char c = 0;
		size_t step = 1;
		for (size_t d = 0; d < sizeof digraphs / sizeof digraphs[0] && !c; d++)
			if (strncmp(folded + i, digraphs[d].letters, strlen(digraphs[d].letters)) == 0) {
				c = digraphs[d].cls;
				step = strlen(digraphs[d].letters);
			}
		if (!c)
			c = consonant_class(folded[i]);
		if (i == 0 && !c) /* the first letter stands, vowel or not */
			c = 'a';
		i += step;
		if (c && (n == 0 || out[n - 1] != c))
			out[n++] = c;
	}
	out[n] = '\0';
	return n;
}

size_t normalize_document(const char *in, char *out)
{
	size_t n = 0;
	for (const char *p = in; *p && n + 1 < NORMALIZE_MAX; p++) {
		char c = *p;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			out[n++] = c;
	}
	out[n] = '\0';
	return n;
}
