package dev.roundtrip.spring.http.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

import dev.roundtrip.transport.Headers;
import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.Response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The transport's response as Spring's. */
class RoundtripClientHttpResponseTests {

	@Test
	void statusReasonAndHeadersComeFromTheTransportResponse() {
		Response response = new Response(Request.get("http://api.test/"), "HTTP/1.1", 418, "I'm a teapot",
				Headers.of("Content-Type", "text/plain", "Set-Cookie", "a=1", "set-cookie", "b=2"),
				new ByteArrayInputStream(new byte[0]));
		RoundtripClientHttpResponse adapted = new RoundtripClientHttpResponse(response);
		assertThat(adapted.getStatusCode()).isEqualTo(HttpStatus.I_AM_A_TEAPOT);
		assertThat(adapted.getStatusText()).isEqualTo("I'm a teapot");
		assertThat(adapted.getHeaders().getFirst("content-type")).isEqualTo("text/plain");
		assertThat(adapted.getHeaders().get("Set-Cookie")).containsExactly("a=1", "b=2");
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> adapted.getHeaders().add("X", "y"));
	}

	@Test
	void unknownStatusCodesAreKept() {
		Response response = new Response(Request.get("http://api.test/"), "HTTP/1.1", 599, "", Headers.EMPTY,
				new ByteArrayInputStream(new byte[0]));
		assertThat(new RoundtripClientHttpResponse(response).getStatusCode()).isEqualTo(HttpStatusCode.valueOf(599));
	}

	@Test
	void closeClosesTheTransportResponseWhichReleasesTheConnection() throws IOException {
		AtomicBoolean closed = new AtomicBoolean();
		ByteArrayInputStream body = new ByteArrayInputStream("unread".getBytes()) {

			@Override
			public void close() {
				closed.set(true);
			}

		};
		Response response = new Response(Request.get("http://api.test/"), "HTTP/1.1", 200, "OK", Headers.EMPTY, body);
		RoundtripClientHttpResponse adapted = new RoundtripClientHttpResponse(response);
		assertThat(adapted.getBody()).isSameAs(body);
		adapted.close();
		assertThat(closed).isTrue();
	}

}
