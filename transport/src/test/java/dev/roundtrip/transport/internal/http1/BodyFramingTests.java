package dev.roundtrip.transport.internal.http1;

import java.io.IOException;
import java.net.ProtocolException;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.roundtrip.transport.internal.http1.BodyFraming.Kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class BodyFramingTests {

	@Test
	void contentLengthGivesAFixedLengthBody() throws IOException {
		BodyFraming framing = framing("GET", "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n");
		assertThat(framing.kind()).isEqualTo(Kind.FIXED);
		assertThat(framing.length()).isEqualTo(42);
		assertThat(framing.mustClose()).isFalse();
	}

	@Test
	void zeroContentLengthIsAnEmptyFixedLengthBody() throws IOException {
		BodyFraming framing = framing("GET", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n");
		assertThat(framing.kind()).isEqualTo(Kind.FIXED);
		assertThat(framing.length()).isZero();
		assertThat(framing.mustClose()).isFalse();
	}

	@Test
	void largestContentLengthIsAccepted() throws IOException {
		assertThat(framing("GET", "HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n").length())
			.isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void headResponseHasNoBodyWhateverItsContentLength() throws IOException {
		BodyFraming framing = framing("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n");
		assertThat(framing.kind()).isEqualTo(Kind.NONE);
		assertThat(framing.length()).isEqualTo(-1);
		assertThat(framing.mustClose()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "100 Continue", "101 Switching Protocols", "103 Early Hints", "204 No Content",
			"304 Not Modified" })
	void informationalNoContentAndNotModifiedHaveNoBody(String status) throws IOException {
		BodyFraming framing = framing("GET",
				"HTTP/1.1 " + status + "\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n");
		assertThat(framing.kind()).isEqualTo(Kind.NONE);
		assertThat(framing.mustClose()).isTrue();
		assertThat(framing("GET", "HTTP/1.1 " + status + "\r\n").mustClose()).isFalse();
	}

	@Test
	void successfulConnectHasNoBody() throws IOException {
		assertThat(framing("CONNECT", "HTTP/1.1 200 Connection established\r\n").kind()).isEqualTo(Kind.NONE);
		assertThat(framing("CONNECT", "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 3\r\n").kind())
			.isEqualTo(Kind.FIXED);
	}

	@ParameterizedTest
	@ValueSource(strings = { "chunked", "Chunked", "CHUNKED", " chunked ", "chunked, ", ", chunked" })
	void chunkedTransferEncodingGivesAChunkedBody(String value) throws IOException {
		BodyFraming framing = framing("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: " + value + "\r\n");
		assertThat(framing.kind()).isEqualTo(Kind.CHUNKED);
		assertThat(framing.length()).isEqualTo(-1);
		assertThat(framing.mustClose()).isFalse();
	}

	@Test
	void transferEncodingWinsOverContentLengthAndTheConnectionIsNotReused() throws IOException {
		BodyFraming framing = framing("GET", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n");
		assertThat(framing.kind()).isEqualTo(Kind.CHUNKED);
		assertThat(framing.mustClose()).isTrue();
	}

	@Test
	void contentLengthBesideChunkedIsNotParsed() throws IOException {
		BodyFraming framing = framing("GET",
				"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: nonsense\r\nContent-Length: 7\r\n");
		assertThat(framing.kind()).isEqualTo(Kind.CHUNKED);
		assertThat(framing.mustClose()).isTrue();
	}

	static Stream<Arguments> unsupportedTransferEncodings() {
		return Stream.of(Arguments.of("gzip", "unsupported Transfer-Encoding \"gzip\": only chunked is supported"),
				Arguments.of("identity", "unsupported Transfer-Encoding \"identity\": only chunked is supported"),
				Arguments.of("gzip, chunked",
						"unsupported Transfer-Encoding \"gzip, chunked\": only chunked is supported"),
				Arguments.of("chunked, gzip",
						"unsupported Transfer-Encoding \"chunked, gzip\": chunked must be the final transfer coding"),
				Arguments.of("chunked, chunked",
						"unsupported Transfer-Encoding \"chunked, chunked\": chunked is applied more than once"),
				Arguments.of("chunked;q=1", "unsupported Transfer-Encoding \"chunked;q=1\": only chunked is supported"),
				Arguments.of("", "unsupported Transfer-Encoding \"\": only chunked is supported"));
	}

	@ParameterizedTest
	@MethodSource("unsupportedTransferEncodings")
	void unsupportedTransferEncodingIsRejected(String value, String message) {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> framing("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: " + value + "\r\n"))
			.withMessage(message);
	}

	@Test
	void chunkedOnTwoLinesIsAppliedTwice() {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(
				() -> framing("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"))
			.withMessage("unsupported Transfer-Encoding \"chunked\": chunked is applied more than once");
	}

	@Test
	void chunkedFollowedByAnotherCodingOnALaterLineIsRejected() {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(
				() -> framing("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n"))
			.withMessage("unsupported Transfer-Encoding \"gzip\": chunked must be the final transfer coding");
	}

	@Test
	void transferEncodingOnHttp10IsIgnoredForFramingButClosesTheConnection() throws IOException {
		// RFC 9112 §6.1: the framing is faulty; read the message, then close.
		BodyFraming withLength = framing("GET",
				"HTTP/1.0 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\nConnection: keep-alive\r\n");
		assertThat(withLength.kind()).isEqualTo(Kind.FIXED);
		assertThat(withLength.length()).isEqualTo(3);
		assertThat(withLength.mustClose()).isTrue();
		BodyFraming chunkedWithLength = framing("GET",
				"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\nConnection: keep-alive\r\n");
		assertThat(chunkedWithLength.kind()).isEqualTo(Kind.FIXED);
		assertThat(chunkedWithLength.mustClose()).isTrue();
		BodyFraming withoutLength = framing("GET", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n");
		assertThat(withoutLength.kind()).isEqualTo(Kind.UNTIL_CLOSE);
		assertThat(withoutLength.mustClose()).isTrue();
	}

	// Go: fixLength. Spring's converters read Content-Length bytes: a stale one truncated
	// a chunked body, and "5, 5" failed to parse.
	@Test
	void headersShownToTheCallerDescribeTheFramingThatWasUsed() throws IOException {
		ResponseHead chunked = head("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n");
		assertThat(BodyFraming.of("GET", chunked).normalize(chunked.headers()).contains("Content-Length")).isFalse();
		ResponseHead list = head("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n");
		assertThat(BodyFraming.of("GET", list).normalize(list.headers()).values("Content-Length")).containsExactly("5");
		ResponseHead twice = head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n");
		assertThat(BodyFraming.of("GET", twice).normalize(twice.headers()).values("Content-Length"))
			.containsExactly("5");
		ResponseHead plain = head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n");
		assertThat(BodyFraming.of("GET", plain).normalize(plain.headers())).isSameAs(plain.headers());
	}

	@Test
	void neitherLengthNorChunkingMeansTheBodyRunsUntilClose() throws IOException {
		BodyFraming framing = framing("GET", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n");
		assertThat(framing.kind()).isEqualTo(Kind.UNTIL_CLOSE);
		assertThat(framing.length()).isEqualTo(-1);
		assertThat(framing.mustClose()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "Content-Length: 5\r\nContent-Length: 5\r\n", "Content-Length: 5, 5\r\n",
			"Content-Length: 5,5\r\nContent-Length:  5 \r\n", "Content-Length: 005\r\nContent-Length: 5\r\n" })
	void identicalContentLengthsCollapseToOne(String fields) throws IOException {
		BodyFraming framing = framing("GET", "HTTP/1.1 200 OK\r\n" + fields);
		assertThat(framing.kind()).isEqualTo(Kind.FIXED);
		assertThat(framing.length()).isEqualTo(5);
	}

	@Test
	void differingDuplicateContentLengthsAreRejected() {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> framing("GET", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n"))
			.withMessage("differing Content-Length values \"5\" and \"6\"");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> framing("GET", "HTTP/1.1 200 OK\r\nContent-Length: 5, 50\r\n"))
			.withMessage("differing Content-Length values \"5\" and \"50\"");
	}

	@Test
	void differingContentLengthsAreRejectedOnResponsesWithoutBodyToo() {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> framing("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n"));
	}

	static Stream<Arguments> malformedContentLengths() {
		return Stream.of(
				Arguments.of("+5",
						"malformed Content-Length \"+5\": it must be a non-negative decimal integer, without a sign"),
				Arguments.of("-1",
						"malformed Content-Length \"-1\": it must be a non-negative decimal integer, without a sign"),
				Arguments.of("5a",
						"malformed Content-Length \"5a\": it must be a non-negative decimal integer, without a sign"),
				Arguments.of("0x10",
						"malformed Content-Length \"0x10\": it must be a non-negative decimal integer, without a sign"),
				Arguments.of("1 2",
						"malformed Content-Length \"1 2\": it must be a non-negative decimal integer, without a sign"),
				Arguments.of("", "malformed Content-Length \"\": a value is empty"),
				Arguments.of("5,", "malformed Content-Length \"5,\": a value is empty"),
				Arguments.of("9223372036854775808",
						"malformed Content-Length \"9223372036854775808\": it overflows a long"),
				Arguments.of("99999999999999999999",
						"malformed Content-Length \"99999999999999999999\": it overflows a long"));
	}

	@ParameterizedTest
	@MethodSource("malformedContentLengths")
	void malformedContentLengthIsRejected(String value, String message) {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> framing("GET", "HTTP/1.1 200 OK\r\nContent-Length: " + value + "\r\n"))
			.withMessage(message);
	}

	@ParameterizedTest
	@ValueSource(strings = { "close", "Close", "CLOSE", "keep-alive, close", " upgrade ,close ",
			"keep-alive\r\nConnection: close" })
	void connectionCloseMeansTheConnectionIsNotReused(String value) throws IOException {
		BodyFraming framing = framing("GET", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: " + value + "\r\n");
		assertThat(framing.kind()).isEqualTo(Kind.FIXED);
		assertThat(framing.mustClose()).isTrue();
		assertThat(framing("HEAD", "HTTP/1.1 200 OK\r\nConnection: " + value + "\r\n").mustClose()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "keep-alive", "closed", "upgrade", "close-ish, keep-alive" })
	void otherConnectionTokensKeepAnHttp11Connection(String value) throws IOException {
		assertThat(framing("GET", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: " + value + "\r\n").mustClose())
			.isFalse();
	}

	@Test
	void http10IsClosedUnlessItAsksForKeepAlive() throws IOException {
		assertThat(framing("GET", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n").mustClose()).isTrue();
		assertThat(framing("GET", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\nConnection: Keep-Alive\r\n").mustClose())
			.isFalse();
		assertThat(framing("GET", "HTTP/1.0 204 No Content\r\n").mustClose()).isTrue();
		assertThat(
				framing("GET", "HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 1\r\n").mustClose())
			.isTrue();
	}

	private static ResponseHead head(String head) throws IOException {
		return ResponseParser.readHead(ResponseParserTests.source(head + "\r\n"), Long.MAX_VALUE);
	}

	private static BodyFraming framing(String method, String head) throws IOException {
		return BodyFraming.of(method,
				ResponseParser.readHead(ResponseParserTests.source(head + "\r\n"), Long.MAX_VALUE));
	}

}
