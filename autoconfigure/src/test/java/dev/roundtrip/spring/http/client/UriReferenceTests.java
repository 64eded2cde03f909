package dev.roundtrip.spring.http.client;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 3986 §5.4's examples, normal and abnormal, against its base
 * {@code http://a/b/c/d;p?q}; and the redirect cases RFC 2396 resolution got wrong.
 */
class UriReferenceTests {

	private static final URI BASE = URI.create("http://a/b/c/d;p?q");

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = ' ', quoteCharacter = '"',
			value = { "g:h g:h", "g http://a/b/c/g", "./g http://a/b/c/g", "g/ http://a/b/c/g/", "/g http://a/g",
					"//g http://g", "?y http://a/b/c/d;p?y", "g?y http://a/b/c/g?y", "#s http://a/b/c/d;p?q#s",
					"g#s http://a/b/c/g#s", "g?y#s http://a/b/c/g?y#s", ";x http://a/b/c/;x", "g;x http://a/b/c/g;x",
					"g;x?y#s http://a/b/c/g;x?y#s", "\"\" http://a/b/c/d;p?q", ". http://a/b/c/", "./ http://a/b/c/",
					".. http://a/b/", "../ http://a/b/", "../g http://a/b/g", "../.. http://a/", "../../ http://a/",
					"../../g http://a/g" })
	void normalExamplesOfSection541Resolve(String reference, String target) {
		assertThat(UriReference.resolve(BASE, URI.create(reference))).hasToString(target);
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = ' ',
			value = { "../../../g http://a/g", "../../../../g http://a/g", "/./g http://a/g", "/../g http://a/g",
					"g. http://a/b/c/g.", ".g http://a/b/c/.g", "g.. http://a/b/c/g..", "..g http://a/b/c/..g",
					"./../g http://a/b/g", "./g/. http://a/b/c/g/", "g/./h http://a/b/c/g/h", "g/../h http://a/b/c/h",
					"g;x=1/./y http://a/b/c/g;x=1/y", "g;x=1/../y http://a/b/c/y", "g?y/./x http://a/b/c/g?y/./x",
					"g?y/../x http://a/b/c/g?y/../x", "g#s/./x http://a/b/c/g#s/./x", "g#s/../x http://a/b/c/g#s/../x",
					"http:g http:g" })
	void abnormalExamplesOfSection542Resolve(String reference, String target) {
		assertThat(UriReference.resolve(BASE, URI.create(reference))).hasToString(target);
	}

	@ParameterizedTest(name = "{0} + {1} -> {2}")
	@CsvSource(delimiter = ' ',
			value = { "http://h/items/list?page=1 ?page=2 http://h/items/list?page=2",
					"http://h:8080 next http://h:8080/next", "http://h/a/b ../../../x http://h/x",
					"http://h/a?q=1 #frag http://h/a?q=1#frag", "https://h/a //other/b https://other/b" })
	void redirectReferencesResolveByRfc3986(String base, String reference, String target) {
		assertThat(UriReference.resolve(URI.create(base), URI.create(reference))).hasToString(target);
	}

}
