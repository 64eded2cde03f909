package dev.roundtrip.transport.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.Response;
import dev.roundtrip.transport.Transport;

/** Client-side shorthands: send a request and read its body to the end. */
public final class Fetch {

	private Fetch() {
	}

	/**
	 * GETs {@code uri}, reads the body to EOF, closes the response and returns the body
	 * as UTF-8.
	 */
	public static String text(Transport transport, URI uri) throws IOException {
		return text(transport, Request.get(uri));
	}

	/**
	 * Sends {@code request}, reads the body to EOF, closes the response and returns the
	 * body as UTF-8.
	 */
	public static String text(Transport transport, Request request) throws IOException {
		try (Response response = transport.roundTrip(request)) {
			return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	/** Reads what is left of {@code response}'s body, to EOF, without closing it. */
	public static String readToEof(Response response) throws IOException {
		return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
	}

}
