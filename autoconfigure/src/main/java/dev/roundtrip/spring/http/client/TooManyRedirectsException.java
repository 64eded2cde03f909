package dev.roundtrip.spring.http.client;

import java.io.IOException;
import java.util.List;

/**
 * An exchange was redirected more than
 * {@value RoundtripClientHttpRequestFactory#MAX_REDIRECTS} times. The message and
 * {@link #getChain()} show every hop, so a redirect loop can be seen.
 */
public class TooManyRedirectsException extends IOException {

	private static final long serialVersionUID = 1L;

	private final List<String> chain;

	/**
	 * An exception for a chain of hops.
	 * @param maxRedirects the limit that was reached
	 * @param chain the first request, then one entry per redirect:
	 * {@code "302 -> GET http://host/next"}
	 */
	public TooManyRedirectsException(int maxRedirects, List<String> chain) {
		super("Stopped after " + maxRedirects + " redirects: " + String.join(" ", chain));
		this.chain = List.copyOf(chain);
	}

	/** The first request, then each redirect as status and the request it led to. */
	public List<String> getChain() {
		return this.chain;
	}

}
