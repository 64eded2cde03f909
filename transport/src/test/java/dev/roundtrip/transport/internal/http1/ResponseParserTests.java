package dev.roundtrip.transport.internal.http1;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.roundtrip.transport.Headers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ResponseParserTests {

	private static final long MAX = 10 * 1024 * 1024;

	@Test
	void statusLineHeadersAndHeadSizeAreParsed() throws IOException {
		String head = """
				HTTP/1.1 200 OK\r
				Content-Type: text/plain\r
				Content-Length: 5\r
				X-Request-Id: abc-123\r
				\r
				""";
		Http1Source source = source(head + "hello");
		ResponseHead response = ResponseParser.readHead(source, MAX);
		assertThat(response.versionMinor()).isEqualTo(1);
		assertThat(response.protocol()).isEqualTo("HTTP/1.1");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.reason()).isEqualTo("OK");
		assertThat(response.headers())
			.isEqualTo(Headers.of("Content-Type", "text/plain", "Content-Length", "5", "X-Request-Id", "abc-123"));
		assertThat(response.headBytes()).isEqualTo(head.length());
		assertThat(readRest(source)).isEqualTo("hello");
	}

	@Test
	void http10StatusLineIsParsed() throws IOException {
		ResponseHead response = parse("HTTP/1.0 404 Not Found\r\n\r\n");
		assertThat(response.versionMinor()).isZero();
		assertThat(response.protocol()).isEqualTo("HTTP/1.0");
		assertThat(response.status()).isEqualTo(404);
		assertThat(response.reason()).isEqualTo("Not Found");
		assertThat(response.headers()).isSameAs(Headers.EMPTY);
	}

	@ParameterizedTest
	@ValueSource(strings = { "HTTP/1.1 200\r\n\r\n", "HTTP/1.1 200 \r\n\r\n" })
	void missingReasonPhraseIsEmpty(String head) throws IOException {
		ResponseHead response = parse(head);
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.reason()).isEmpty();
		assertThat(response.headBytes()).isEqualTo(head.length());
	}

	@Test
	void reasonPhraseIsKeptAsSent() throws IOException {
		assertThat(parse("HTTP/1.1 599 Quite  Unusual,\tréally\r\n\r\n").reason()).isEqualTo("Quite  Unusual,\tréally");
	}

	@Test
	void everyThreeDigitStatusIsAccepted() throws IOException {
		assertThat(parse("HTTP/1.1 100 Continue\r\n\r\n").status()).isEqualTo(100);
		assertThat(parse("HTTP/1.1 999 Whatever\r\n\r\n").status()).isEqualTo(999);
	}

	static Stream<Arguments> malformedStatusLines() {
		return Stream.of(
				Arguments.of("HTTP/1.1 2x0 OK",
						"malformed status line \"HTTP/1.1 2x0 OK\": the status code must be three digits"),
				Arguments.of("HTTP/1.1 20 OK",
						"malformed status line \"HTTP/1.1 20 OK\": the status code must be three digits"),
				Arguments.of("HTTP/1.1 2000 OK",
						"malformed status line \"HTTP/1.1 2000 OK\": the status code must be three digits"),
				Arguments.of("HTTP/1.1  200 OK",
						"malformed status line \"HTTP/1.1  200 OK\": the status code must be three digits"),
				Arguments.of("HTTP/1.1 ", "malformed status line \"HTTP/1.1 \": the status code must be three digits"),
				Arguments.of("HTTP/1.1 099 Low",
						"malformed status line \"HTTP/1.1 099 Low\": the status code must be between 100 and 999"),
				Arguments.of("HTTP/1.1", "malformed status line \"HTTP/1.1\": the version must be followed by a space"),
				Arguments.of("HTTP/1.1\t200 OK",
						"malformed status line \"HTTP/1.1\\t200 OK\": the version must be followed by a space"),
				Arguments.of("HTTP/1 200 OK",
						"malformed status line \"HTTP/1 200 OK\": the version must be HTTP/<digit>.<digit>"),
				Arguments.of("HTTP/1.10 200 OK",
						"malformed status line \"HTTP/1.10 200 OK\": the version must be HTTP/<digit>.<digit>"),
				Arguments.of("ICY 200 OK",
						"malformed status line \"ICY 200 OK\": it must start with HTTP/1.1 or HTTP/1.0"),
				Arguments.of("http/1.1 200 OK",
						"malformed status line \"http/1.1 200 OK\": it must start with HTTP/1.1 or HTTP/1.0"),
				Arguments.of("", "malformed status line \"\": it must start with HTTP/1.1 or HTTP/1.0"),
				Arguments.of("HTTP/1.1 200 O\rK",
						"malformed status line \"HTTP/1.1 200 O\\rK\": the reason phrase contains CR"),
				Arguments.of("HTTP/1.1 200 O\0K",
						"malformed status line \"HTTP/1.1 200 O\\x00K\": the reason phrase contains NUL"));
	}

	@ParameterizedTest
	@MethodSource("malformedStatusLines")
	void malformedStatusLineIsRejected(String statusLine, String message) {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> parse(statusLine + "\r\n\r\n"))
			.withMessage(message);
	}

	@ParameterizedTest
	@ValueSource(strings = { "HTTP/2.0", "HTTP/0.9", "HTTP/3.1" })
	void onlyHttp1xIsSupported(String version) {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> parse(version + " 200 OK\r\n\r\n"))
			.withMessage(
					"unsupported HTTP version in status line \"" + version + " 200 OK\": only HTTP/1.x is supported");
	}

	@ParameterizedTest
	@ValueSource(strings = { "HTTP/1.2", "HTTP/1.9" })
	void minorVersionAbove11IsProcessedAsHttp11(String version) throws IOException {
		// RFC 9110 §2.5: a recipient processes a higher minor version as the highest it
		// supports.
		ResponseHead response = parse(version + " 200 OK\r\nContent-Length: 0\r\n\r\n");
		assertThat(response.versionMinor()).isEqualTo(1);
		assertThat(response.protocol()).isEqualTo("HTTP/1.1");
		assertThat(response.status()).isEqualTo(200);
	}

	@Test
	void wellKnownHeaderNamesAreInternedInTheirCanonicalSpelling() throws IOException {
		Headers headers = parse("""
				HTTP/1.1 200 OK\r
				content-length: 0\r
				TRANSFER-ENCODING: chunked\r
				Etag: "x"\r
				connection: close\r
				keep-alive: timeout=5\r
				SET-COOKIE: a=b\r
				x-custom-thing: 1\r
				\r
				""").headers();
		assertThat(headers.name(0)).isSameAs("Content-Length");
		assertThat(headers.name(1)).isSameAs("Transfer-Encoding");
		assertThat(headers.name(2)).isSameAs("ETag");
		assertThat(headers.name(3)).isSameAs("Connection");
		assertThat(headers.name(4)).isSameAs("Keep-Alive");
		assertThat(headers.name(5)).isSameAs("Set-Cookie");
		assertThat(headers.name(6)).isEqualTo("x-custom-thing");
	}

	@ParameterizedTest
	@ValueSource(strings = { "Content-Length", "Transfer-Encoding", "Connection", "Content-Type", "Content-Encoding",
			"Date", "Server", "Keep-Alive", "Location", "Cache-Control", "Set-Cookie", "ETag", "Last-Modified", "Vary",
			"Trailer", "Expires", "Age", "WWW-Authenticate", "Strict-Transport-Security",
			"Access-Control-Allow-Origin" })
	void everyWellKnownNameIsFoundInAnyCase(String name) throws IOException {
		// The table holds string literals, which the JVM interns.
		String canonical = name.intern();
		for (String spelling : new String[] { name, name.toLowerCase(Locale.ROOT), name.toUpperCase(Locale.ROOT) }) {
			Headers headers = parse("HTTP/1.1 200 OK\r\n" + spelling + ": v\r\n\r\n").headers();
			assertThat(headers.name(0)).isSameAs(canonical);
		}
	}

	@Test
	void commonValuesAndReasonPhrasesAreShared() throws IOException {
		ResponseHead response = parse(
				"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n");
		assertThat(response.reason()).isSameAs("OK");
		assertThat(response.headers().value(0)).isSameAs("chunked");
		assertThat(response.headers().value(1)).isSameAs("keep-alive");
	}

	@Test
	void valuesAreTrimmedOfOptionalWhitespace() throws IOException {
		Headers headers = parse("""
				HTTP/1.1 200 OK\r
				X-Padded: \t padded \t \r
				X-Empty:\r
				X-Blank:   \t \r
				X-Inner: a  b\tc\r
				X-Tight:tight\r
				\r
				""").headers();
		assertThat(headers.get("X-Padded")).isEqualTo("padded");
		assertThat(headers.get("X-Empty")).isEmpty();
		assertThat(headers.get("X-Blank")).isEmpty();
		assertThat(headers.get("X-Inner")).isEqualTo("a  b\tc");
		assertThat(headers.get("X-Tight")).isEqualTo("tight");
	}

	@Test
	void repeatedFieldsAreKeptInOrder() throws IOException {
		Headers headers = parse("HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX-A: x\r\nset-cookie: b=2\r\n\r\n").headers();
		assertThat(headers.values("Set-Cookie")).containsExactly("a=1", "b=2");
	}

	@Test
	void obsFoldContinuationIsJoinedWithASingleSpace() throws IOException {
		String head = """
				HTTP/1.1 200 OK\r
				X-Folded: first  \r
				   second\r
				\t third\r
				X-Next: next\r
				X-Empty:\r
				 later\r
				\r
				""";
		ResponseHead response = parse(head);
		assertThat(response.headers().get("X-Folded")).isEqualTo("first second third");
		assertThat(response.headers().get("X-Next")).isEqualTo("next");
		assertThat(response.headers().get("X-Empty")).isEqualTo("later");
		assertThat(response.headers().size()).isEqualTo(3);
		assertThat(response.headBytes()).isEqualTo(head.length());
	}

	@Test
	void continuationLineBeforeTheFirstFieldIsRejected() {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> parse("HTTP/1.1 200 OK\r\n folded: x\r\n\r\n"))
			.withMessage("malformed header line \" folded: x\": a continuation line before the first field");
	}

	@Test
	void bareLfEndsALine() throws IOException {
		String head = "HTTP/1.1 200 OK\nA: 1\nB: 2\r\n\n";
		Http1Source source = source(head + "body");
		ResponseHead response = ResponseParser.readHead(source, MAX);
		assertThat(response.reason()).isEqualTo("OK");
		assertThat(response.headers()).isEqualTo(Headers.of("A", "1", "B", "2"));
		assertThat(response.headBytes()).isEqualTo(head.length());
		assertThat(readRest(source)).isEqualTo("body");
	}

	static Stream<Arguments> malformedHeaderLines() {
		return Stream.of(Arguments.of("NoColon", "malformed header line \"NoColon\": it has no colon"),
				Arguments.of("X-Foo : 1",
						"malformed header line \"X-Foo : 1\": whitespace between the field name and the colon"),
				Arguments.of("X-Foo\t: 1",
						"malformed header line \"X-Foo\\t: 1\": whitespace between the field name and the colon"),
				Arguments.of(": 1", "malformed header line \": 1\": the field name is empty"),
				Arguments.of("X(Y): 1",
						"malformed header line \"X(Y): 1\": the field name contains '(' (U+0028); a field name must be an RFC 9110 token"),
				Arguments.of("X Y: 1",
						"malformed header line \"X Y: 1\": the field name contains a space; a field name must be an RFC 9110 token"),
				Arguments.of("Nämé: 1",
						"malformed header line \"Nämé: 1\": the field name contains 'ä' (U+00E4); a field name must be an RFC 9110 token"),
				Arguments.of("X-A: a\0b", "malformed header line \"X-A: a\\x00b\": the value contains NUL"),
				Arguments.of("X-A: a\rb", "malformed header line \"X-A: a\\rb\": the value contains CR"),
				Arguments.of("X-A: a\r", "malformed header line \"X-A: a\\r\": the value contains CR"));
	}

	@ParameterizedTest
	@MethodSource("malformedHeaderLines")
	void malformedHeaderLineIsRejected(String line, String message) {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> parse("HTTP/1.1 200 OK\r\nX-Good: 1\r\n" + line + "\r\n\r\n"))
			.withMessage(message);
	}

	@Test
	void errorMessageQuotesABoundedEscapedExcerpt() {
		String line = "X\u0001" + "a".repeat(500);
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> parse("HTTP/1.1 200 OK\r\n" + line + "\r\n\r\n"))
			.withMessage("malformed header line \"X\\x01" + "a".repeat(62) + "…\": it has no colon");
	}

	@Test
	void headOfExactlyTheLimitIsAccepted() throws IOException {
		String head = "HTTP/1.1 200 OK\r\nA: 1\r\n\r\n";
		Http1Source source = source(head + "more bytes that are not part of the head");
		assertThat(ResponseParser.readHead(source, head.length()).headBytes()).isEqualTo(head.length());
	}

	@Test
	void headOneByteOverTheLimitIsRejected() {
		String head = "HTTP/1.1 200 OK\r\nA: 1\r\n\r\n";
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> ResponseParser.readHead(source(head), head.length() - 1))
			.withMessage("response headers exceeded " + (head.length() - 1) + " bytes (max-response-header-bytes)");
	}

	@Test
	void statusLineOverTheLimitIsRejected() {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> ResponseParser.readHead(source("HTTP/1.1 200 OK\r\n\r\n"), 10))
			.withMessage("response headers exceeded 10 bytes (max-response-header-bytes)");
	}

	@Test
	void endlessHeadFailsAtTheLimitWithoutReadingTheWholeStream() {
		InputStream endless = new SequenceInputStream(new ByteArrayInputStream(latin1("HTTP/1.1 200 OK\r\nX-A: ")),
				new InputStream() {

					@Override
					public int read() {
						return 'a';
					}

					@Override
					public int read(byte[] b, int off, int len) {
						Arrays.fill(b, off, off + len, (byte) 'a');
						return len;
					}

				});
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> ResponseParser.readHead(new Http1Source(endless, 256), 64 * 1024))
			.withMessage("response headers exceeded 65536 bytes (max-response-header-bytes)");
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 7, 64, 8192 })
	void headArrivingOneByteAtATimeIsParsed(int bufferSize) throws IOException {
		String head = """
				HTTP/1.1 201 Created\r
				Location: /things/1\r
				X-Folded: a\r
				 b\n\
				Content-Length: 2\r
				\r
				""";
		Http1Source source = new Http1Source(ScriptedInputStream.oneByteAtATime(head + "ok"), bufferSize);
		ResponseHead response = ResponseParser.readHead(source, MAX);
		assertThat(response.status()).isEqualTo(201);
		assertThat(response.reason()).isEqualTo("Created");
		assertThat(response.headers())
			.isEqualTo(Headers.of("Location", "/things/1", "X-Folded", "a b", "Content-Length", "2"));
		assertThat(response.headBytes()).isEqualTo(head.length());
		assertThat(readRest(source)).isEqualTo("ok");
	}

	@ParameterizedTest
	@ValueSource(ints = { 16, 256 })
	void linesLongerThanTheBufferAreParsed(int bufferSize) throws IOException {
		String longValue = "v".repeat(2048);
		String longReason = "Reason ".repeat(100).trim();
		String head = "HTTP/1.1 200 " + longReason + "\r\nX-Long: " + longValue + "\r\nX-Short: s\r\nX-Long-2: "
				+ longValue + "2\r\n\r\n";
		for (InputStream in : new InputStream[] { new ByteArrayInputStream(latin1(head + "body")),
				ScriptedInputStream.oneByteAtATime(head + "body"), ScriptedInputStream.of(head.substring(0, 1000),
						head.substring(1000, 3000), head.substring(3000) + "bo", "dy") }) {
			Http1Source source = new Http1Source(in, bufferSize);
			ResponseHead response = ResponseParser.readHead(source, head.length());
			assertThat(response.reason()).isEqualTo(longReason);
			assertThat(response.headers())
				.isEqualTo(Headers.of("X-Long", longValue, "X-Short", "s", "X-Long-2", longValue + "2"));
			assertThat(response.headBytes()).isEqualTo(head.length());
			assertThat(readRest(source)).isEqualTo("body");
		}
	}

	@Test
	void lineLongerThanTheBufferStillCountsAgainstTheLimit() {
		String head = "HTTP/1.1 200 OK\r\nX-Long: " + "v".repeat(2048) + "\r\n\r\n";
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(
					() -> ResponseParser.readHead(new Http1Source(new ByteArrayInputStream(latin1(head)), 256), 1024))
			.withMessage("response headers exceeded 1024 bytes (max-response-header-bytes)");
	}

	@Test
	void streamEndingBeforeTheFirstByteGivesNull() throws IOException {
		assertThat(parse("")).isNull();
	}

	@Test
	void streamEndingAfterAWholeResponseGivesNullForTheNext() throws IOException {
		Http1Source source = source("HTTP/1.1 204 No Content\r\n\r\n");
		assertThat(ResponseParser.readHead(source, MAX).status()).isEqualTo(204);
		assertThat(ResponseParser.readHead(source, MAX)).isNull();
	}

	@Test
	void streamEndingInTheStatusLineIsAnEofException() {
		assertThatExceptionOfType(EOFException.class).isThrownBy(() -> parse("HTTP/1.1 20"))
			.withMessage("connection closed after 11 bytes of the response head");
	}

	@Test
	void streamEndingBetweenHeaderLinesIsAnEofException() {
		assertThatExceptionOfType(EOFException.class).isThrownBy(() -> parse("HTTP/1.1 200 OK\r\nA: 1\r\n"))
			.withMessage("connection closed after 23 bytes of the response head");
	}

	@Test
	void streamEndingInTheFinalLineIsAnEofException() {
		assertThatExceptionOfType(EOFException.class)
			.isThrownBy(() -> ResponseParser
				.readHead(new Http1Source(ScriptedInputStream.oneByteAtATime("HTTP/1.1 200 OK\r\nA: 1\r\n\r"), 4), MAX))
			.withMessage("connection closed after 24 bytes of the response head");
	}

	@Test
	void consecutiveHeadsAreReadOneAtATimeWithinTheRemainingBudget() throws IOException {
		String informational = "HTTP/1.1 100 Continue\r\n\r\n";
		String last = "HTTP/1.1 200 OK\r\nA: 1\r\n\r\n";
		long max = informational.length() + last.length();
		Http1Source source = source(informational + last);
		ResponseHead first = ResponseParser.readHead(source, max);
		assertThat(first.status()).isEqualTo(100);
		assertThat(first.headBytes()).isEqualTo(informational.length());
		ResponseHead second = ResponseParser.readHead(source, max - first.headBytes());
		assertThat(second.status()).isEqualTo(200);

		Http1Source overBudget = source(informational + last);
		ResponseHead continued = ResponseParser.readHead(overBudget, max - 1);
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> ResponseParser.readHead(overBudget, max - 1 - continued.headBytes()))
			.withMessage("response headers exceeded " + (last.length() - 1) + " bytes (max-response-header-bytes)");
	}

	@Test
	void failedHeadLeavesNoFieldsBehindForTheNextOnTheSameSource() throws IOException {
		Http1Source source = source("HTTP/1.1 200 OK\r\nA: 1\r\nbad\r\n\r\nHTTP/1.1 200 OK\r\nB: 2\r\n\r\n");
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> ResponseParser.readHead(source, MAX));
		source.read(new byte[2], 0, 2);
		assertThat(ResponseParser.readHead(source, MAX).headers()).isEqualTo(Headers.of("B", "2"));
	}

	@Test
	void fieldsRepeatedFromThePreviousHeadOnTheConnectionReuseItsStrings() throws IOException {
		String first = "HTTP/1.1 200 OK\r\nServer: edge/1.0\r\nDate: Thu, 27 Nov 2025 07:00:00 GMT\r\nX-Id: a1\r\n\r\n";
		String same = first;
		String later = "HTTP/1.1 200 OK\r\nServer: edge/1.0\r\nDate: Thu, 27 Nov 2025 07:00:01 GMT\r\nX-Id: b2\r\n\r\n";
		Http1Source source = source(first + same + later);
		Headers one = ResponseParser.readHead(source, MAX).headers();
		Headers two = ResponseParser.readHead(source, MAX).headers();
		Headers three = ResponseParser.readHead(source, MAX).headers();
		assertThat(two).isSameAs(one);
		assertThat(three)
			.isEqualTo(Headers.of("Server", "edge/1.0", "Date", "Thu, 27 Nov 2025 07:00:01 GMT", "X-Id", "b2"));
		assertThat(three.value(0)).isSameAs(one.value(0));
		assertThat(three.name(2)).isSameAs(one.name(2));
		assertThat(one)
			.isEqualTo(Headers.of("Server", "edge/1.0", "Date", "Thu, 27 Nov 2025 07:00:00 GMT", "X-Id", "a1"));
	}

	@Test
	void headsDifferingFromThePreviousOneAreNotConfusedWithIt() throws IOException {
		Http1Source source = source("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n" + "HTTP/1.1 200 OK\r\nA: 1\r\n\r\n"
				+ "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n" + "HTTP/1.1 200 OK\r\nB: 1\r\nA: 2\r\nC: 3\r\n\r\n"
				+ "HTTP/1.1 200 OK\r\nB: 1\r\nA: 2\r\nC: 3\r\n  folded\r\n\r\n");
		assertThat(ResponseParser.readHead(source, MAX).headers()).isEqualTo(Headers.of("A", "1", "B", "2"));
		assertThat(ResponseParser.readHead(source, MAX).headers()).isEqualTo(Headers.of("A", "1"));
		assertThat(ResponseParser.readHead(source, MAX).headers()).isEqualTo(Headers.of("A", "1", "B", "2", "C", "3"));
		assertThat(ResponseParser.readHead(source, MAX).headers()).isEqualTo(Headers.of("B", "1", "A", "2", "C", "3"));
		assertThat(ResponseParser.readHead(source, MAX).headers())
			.isEqualTo(Headers.of("B", "1", "A", "2", "C", "3 folded"));
	}

	private static ResponseHead parse(String text) throws IOException {
		return ResponseParser.readHead(source(text), MAX);
	}

	static Http1Source source(String text) {
		return new Http1Source(new ByteArrayInputStream(latin1(text)), 8192);
	}

	static byte[] latin1(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	static String readRest(Http1Source source) throws IOException {
		StringBuilder text = new StringBuilder();
		byte[] chunk = new byte[64];
		int n;
		while ((n = source.read(chunk, 0, chunk.length)) != -1) {
			text.append(new String(chunk, 0, n, StandardCharsets.ISO_8859_1));
		}
		return text.toString();
	}

}
