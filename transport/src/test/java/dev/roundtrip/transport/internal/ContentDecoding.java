package dev.roundtrip.transport.internal;

import java.io.IOException;
import java.io.InputStream;

import dev.roundtrip.transport.Headers;

/**
 * For the fuzz tests in another package: the content decoding that {@link Exchange} puts
 * over a response body, through the package-private {@link InflatingBody} itself.
 */
public final class ContentDecoding {

	private ContentDecoding() {
	}

	/**
	 * What a decoder reads, and tells how decoding ended: {@code ResponseBody}'s part.
	 */
	public interface Source {

		int read(byte[] b, int off, int len) throws IOException;

		/** The content decoded to its end: the exchange may give the connection back. */
		void decodingFinished();

		/** The content is corrupt or truncated: the exchange fails. */
		void failDecoding(IOException failure);

	}

	/**
	 * The decoder {@link Exchange} puts over {@code body} for a response with these
	 * headers, when it asked for compression; {@code null} when it would read the body as
	 * it is.
	 */
	public static InputStream decoderFor(Headers headers, Source body) {
		InflatingBody.Coding coding = InflatingBody.Coding.of(headers.get("Content-Encoding"));
		if (coding == null) {
			return null;
		}
		return new InflatingBody(new InflatingBody.EncodedSource() {

			@Override
			public int read(byte[] b, int off, int len) throws IOException {
				return body.read(b, off, len);
			}

			@Override
			public void decodeWith() {
			}

			@Override
			public void decodingFinished() {
				body.decodingFinished();
			}

			@Override
			public void failDecoding(IOException failure) {
				body.failDecoding(failure);
			}

			@Override
			public void close() {
			}

		}, coding);
	}

}
