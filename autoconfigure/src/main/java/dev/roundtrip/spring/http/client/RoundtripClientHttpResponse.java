package dev.roundtrip.spring.http.client;

import java.io.IOException;
import java.io.InputStream;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;

import dev.roundtrip.transport.Headers;
import dev.roundtrip.transport.Response;

/**
 * A transport {@link Response} as Spring's {@link ClientHttpResponse}. {@link #close()}
 * closes the transport response, which releases the connection: back to the pool if the
 * body was read to its end (or a small remainder could be drained), closed otherwise.
 */
final class RoundtripClientHttpResponse implements ClientHttpResponse {

	private final Response response;

	private @Nullable HttpHeaders headers;

	RoundtripClientHttpResponse(Response response) {
		this.response = response;
	}

	@Override
	public HttpStatusCode getStatusCode() {
		return HttpStatusCode.valueOf(this.response.status());
	}

	@Override
	public String getStatusText() {
		return this.response.reason();
	}

	@Override
	public HttpHeaders getHeaders() {
		HttpHeaders headers = this.headers;
		if (headers == null) {
			// A view of the transport's headers, not a copy.
			headers = HttpHeaders.readOnlyHttpHeaders(new HeadersAdapter(this.response.headers()));
			this.headers = headers;
		}
		return headers;
	}

	@Override
	public InputStream getBody() {
		return this.response.body();
	}

	@Override
	public void close() {
		try {
			this.response.close();
		}
		catch (IOException ex) {
			// The transport has already closed the connection; nothing is left to
			// release.
		}
	}

}
