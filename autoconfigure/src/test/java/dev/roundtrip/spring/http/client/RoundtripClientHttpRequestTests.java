package dev.roundtrip.spring.http.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.StreamingHttpOutputMessage;

import dev.roundtrip.transport.Request;

import static org.assertj.core.api.Assertions.assertThat;

/** How Spring's request turns into the transport's. */
class RoundtripClientHttpRequestTests {

	private static final URI URI_ = URI.create("http://api.test/a?b=c");

	@Test
	void headersTheTransportWritesItselfAreLeftOut() {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentLength(2);
		headers.set(HttpHeaders.TRANSFER_ENCODING, "chunked");
		headers.set(HttpHeaders.HOST, "spoofed.test");
		headers.set(HttpHeaders.ACCEPT, "text/plain");
		Request request = RoundtripClientHttpRequest.toRequest("POST", URI_, headers, (out) -> out.write('h')).build();
		assertThat(request.headers().contains("Content-Length")).isFalse();
		assertThat(request.headers().contains("Transfer-Encoding")).isFalse();
		assertThat(request.headers().contains("Host")).isFalse();
		assertThat(request.headers().get("Accept")).isEqualTo("text/plain");
	}

	@Test
	void everyValueOfAHeaderIsSentInOrder() {
		HttpHeaders headers = new HttpHeaders();
		headers.add("X-Multi", "1");
		headers.add("X-Multi", "2");
		headers.add("X-Empty", "");
		Request request = RoundtripClientHttpRequest.toRequest("GET", URI_, headers, null).build();
		assertThat(request.headers().values("X-Multi")).containsExactly("1", "2");
		assertThat(request.headers().get("X-Empty")).isEmpty();
		assertThat(request.method()).isEqualTo("GET");
		assertThat(request.uri()).isEqualTo(URI_);
		assertThat(request.body()).isNull();
	}

	@Test
	void bodyLengthComesFromContentLength() {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentLength(5);
		Request known = RoundtripClientHttpRequest.toRequest("POST", URI_, headers, (out) -> out.write(new byte[5]))
			.build();
		assertThat(known.body().contentLength()).isEqualTo(5);
		Request unknown = RoundtripClientHttpRequest
			.toRequest("POST", URI_, new HttpHeaders(), (out) -> out.write(new byte[5]))
			.build();
		assertThat(unknown.body().contentLength()).isEqualTo(-1);
	}

	@Test
	void repeatableBodyMakesAReplayableRequest() {
		StreamingHttpOutputMessage.Body repeatable = new StreamingHttpOutputMessage.Body() {

			@Override
			public void writeTo(OutputStream outputStream) throws IOException {
				outputStream.write('x');
			}

			@Override
			public boolean repeatable() {
				return true;
			}

		};
		Request put = RoundtripClientHttpRequest.toRequest("PUT", URI_, new HttpHeaders(), repeatable).build();
		assertThat(put.body().isReplayable()).isTrue();
		Request once = RoundtripClientHttpRequest.toRequest("PUT", URI_, new HttpHeaders(), (out) -> out.write('x'))
			.build();
		assertThat(once.body().isReplayable()).isFalse();
		assertThat(once.isReplayable()).isFalse();
	}

	@Test
	void bodyIsWrittenThroughAndCannotCloseTheTransportsStream() throws IOException {
		AtomicBoolean closed = new AtomicBoolean();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream() {

			@Override
			public void close() {
				closed.set(true);
			}

		};
		Request request = RoundtripClientHttpRequest.toRequest("POST", URI_, new HttpHeaders(), (out) -> {
			out.write("hello".getBytes());
			out.close();
		}).build();
		request.body().writeTo(bytes);
		assertThat(bytes.toString()).isEqualTo("hello");
		assertThat(closed).isFalse();
	}

}
