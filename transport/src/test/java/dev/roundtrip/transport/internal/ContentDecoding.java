package dev.roundtrip.transport.internal;

import java.io.InputStream;

import dev.roundtrip.transport.Headers;

/**
 * For the fuzz tests in another package: the content decoding that {@link Exchange} puts
 * over a response body, through the package-private decoder classes themselves.
 */
public final class ContentDecoding {

	private ContentDecoding() {
	}

	/**
	 * The decoder {@link Exchange} puts over {@code body} for a response with these
	 * headers, when it asked for compression; {@code null} when it would read the body as
	 * it is.
	 */
	public static InputStream decoderFor(Headers headers, InputStream body) {
		String encoding = headers.get("Content-Encoding");
		if (encoding != null && "gzip".equalsIgnoreCase(encoding.trim())) {
			return new GzipBody(body);
		}
		return null;
	}

}
