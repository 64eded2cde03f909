package dev.roundtrip.transport.internal.http1;

import java.io.IOException;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RequestWriterTests {

	private final RecordingOutputStream out = new RecordingOutputStream();

	private final Http1Sink sink = new Http1Sink(this.out, 32);

	@Test
	void requestHeadIsWrittenByteForByte() throws IOException {
		RequestWriter.writeRequestLine(this.sink, "GET", "/search?q=a%20b&lang=fr");
		RequestWriter.writeHeader(this.sink, "Host", "example.com:8080");
		RequestWriter.writeHeader(this.sink, "Accept-Encoding", "gzip");
		RequestWriter.writeHeader(this.sink, "X-Empty", "");
		RequestWriter.endHeaders(this.sink);
		this.sink.flush();
		assertThat(this.out.text()).isEqualTo("""
				GET /search?q=a%20b&lang=fr HTTP/1.1\r
				Host: example.com:8080\r
				Accept-Encoding: gzip\r
				X-Empty: \r
				\r
				""");
	}

	@Test
	void absoluteAndAuthorityFormTargetsAreWritten() throws IOException {
		RequestWriter.writeRequestLine(this.sink, "GET", "http://example.com/a");
		RequestWriter.writeRequestLine(this.sink, "CONNECT", "example.com:443");
		RequestWriter.writeRequestLine(this.sink, "OPTIONS", "*");
		this.sink.flush();
		assertThat(this.out.text()).isEqualTo(
				"GET http://example.com/a HTTP/1.1\r\nCONNECT example.com:443 HTTP/1.1\r\nOPTIONS * HTTP/1.1\r\n");
	}

	@Test
	void latin1CharactersAreWrittenAsOneByteEach() throws IOException {
		RequestWriter.writeHeader(this.sink, "X-Name", "Ærøskøbing");
		this.sink.flush();
		assertThat(this.sink.bytesWritten()).isEqualTo("X-Name: Ærøskøbing\r\n".length());
		assertThat(this.out.text()).isEqualTo("X-Name: Ærøskøbing\r\n");
	}

	static Stream<Arguments> invalidTargets() {
		return Stream.of(Arguments.of("/a b", "Request target \"/a b\" contains a space at index 2"),
				Arguments.of("/a\tb", "Request target \"/a\\tb\" contains a tab at index 2"),
				Arguments.of("/a\r\nHost: evil", "Request target \"/a\\r\\nHost: evil\" contains CR at index 2"),
				Arguments.of("/\n", "Request target \"/\\n\" contains LF at index 1"),
				Arguments.of("/\0", "Request target \"/\\x00\" contains NUL at index 1"),
				Arguments.of("/\u007f", "Request target \"/\\x7f\" contains control character 0x7f at index 1"),
				Arguments.of("/\u0001", "Request target \"/\\x01\" contains control character 0x01 at index 1"),
				Arguments.of("/€", "Request target \"/€\" contains '€' (U+20AC) at index 1"));
	}

	@ParameterizedTest
	@MethodSource("invalidTargets")
	void invalidTargetIsRejectedBeforeAnythingIsWritten(String target, String message) {
		assertThatIllegalArgumentException().isThrownBy(() -> RequestWriter.writeRequestLine(this.sink, "GET", target))
			.withMessage(message + "; whitespace, control characters and characters above U+00FF are not allowed");
		assertThat(this.sink.buffered()).isZero();
	}

	@Test
	void emptyTargetIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> RequestWriter.writeRequestLine(this.sink, "GET", ""))
			.withMessage("Request target is empty");
	}

	@Test
	void latin1TargetIsAccepted() throws IOException {
		RequestWriter.writeRequestLine(this.sink, "GET", "/caf\u00e9");
		this.sink.flush();
		assertThat(this.out.text()).isEqualTo("GET /café HTTP/1.1\r\n");
	}

}
