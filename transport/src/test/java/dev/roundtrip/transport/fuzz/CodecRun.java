package dev.roundtrip.transport.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipException;

import dev.roundtrip.transport.Headers;
import dev.roundtrip.transport.internal.ContentDecoding;
import dev.roundtrip.transport.internal.http1.BodyFraming;
import dev.roundtrip.transport.internal.http1.ChunkedSource;
import dev.roundtrip.transport.internal.http1.FixedLengthSource;
import dev.roundtrip.transport.internal.http1.Http1Source;
import dev.roundtrip.transport.internal.http1.ResponseHead;
import dev.roundtrip.transport.internal.http1.ResponseParser;
import dev.roundtrip.transport.internal.http1.UntilCloseSource;

/**
 * Reads a wire through the real codec as {@code Exchange} and {@code ResponseBody} do,
 * response after response while the connection stays reusable, and checks on the way what
 * must hold whatever the bytes:
 * <ul>
 * <li>every failure is one of the transport's own {@code IOException}s, with a message; a
 * {@code RuntimeException} or {@code Error} escapes and fails the run;
 * <li>once a body read has failed, every later read fails too: no body byte, and no end
 * of stream, after a framing error;
 * <li>a body that reached its end reads as ended again, and gave its connection back;
 * <li>a message read to its end leaves the connection exactly after its last byte: the
 * bytes handed out by the socket less those still buffered is the message's end, which
 * {@link Outcome.Message#end()} records for the comparison with the reference parser.
 * </ul>
 * The connection counts as reusable when, as in {@code Exchange}, the body reached the
 * end its framing gives ({@code isComplete()}, or no body) without a failure, and neither
 * the framing nor a protocol switch says to close it.
 */
final class CodecRun {

	/** The most decoded body bytes read; a larger body ends the run as "too large". */
	static final int MAX_BODY_BYTES = 1 << 20;

	/** The most responses read from one connection. */
	static final int MAX_MESSAGES = 3;

	/** The exception classes a caller may see from the codec. */
	private static final Set<Class<?>> TRANSPORT_FAILURES = Set.of(EOFException.class, ProtocolException.class,
			ZipException.class, IOException.class);

	private final Reading reading;

	private final ShortReadInputStream socket;

	private final Http1Source source;

	private CodecRun(byte[] wire, Reading reading) {
		this.reading = reading;
		this.socket = new ShortReadInputStream(wire, reading.deliverySizes());
		this.source = new Http1Source(this.socket, reading.bufferSize());
	}

	static Outcome run(byte[] wire, Reading reading) {
		return new CodecRun(wire, reading).run();
	}

	private Outcome run() {
		Outcome outcome = new Outcome();
		while (outcome.messages.size() < MAX_MESSAGES) {
			if (!readMessage(outcome, outcome.messages.isEmpty())) {
				break;
			}
		}
		return outcome;
	}

	/** Reads one response; true if the connection may carry another. */
	private boolean readMessage(Outcome outcome, boolean first) {
		List<Integer> interim = new ArrayList<>();
		ResponseHead head;
		long budget = this.reading.maxHeaderBytes();
		try {
			while (true) {
				head = ResponseParser.readHead(this.source, budget);
				if (head == null) {
					if (!first && interim.isEmpty()) {
						// The server closed the idle connection: the end of this wire.
						return false;
					}
					throw new EOFException("server closed the connection before sending a response");
				}
				if (head.status() >= 200 || head.status() == 101) {
					break;
				}
				interim.add(head.status());
				budget -= head.headBytes();
				if (budget <= 0) {
					throw new ProtocolException("response headers exceeded " + this.reading.maxHeaderBytes()
							+ " bytes, counting the interim (1xx) responses before them");
				}
			}
		}
		catch (IOException ex) {
			outcome.fail(classify(ex, false), describe(ex), null);
			return false;
		}
		BodyFraming framing;
		try {
			framing = BodyFraming.of(this.reading.method(), head);
		}
		catch (ProtocolException ex) {
			outcome.fail(classify(ex, false), describe(ex), null);
			return false;
		}
		boolean switches = head.status() == 101
				|| ("CONNECT".equals(this.reading.method()) && head.status() / 100 == 2);
		boolean keep = !framing.mustClose() && !switches;
		InputStream raw = switch (framing.kind()) {
			case NONE -> null;
			case FIXED -> (framing.length() == 0) ? null : new FixedLengthSource(this.source, framing.length());
			case CHUNKED -> new ChunkedSource(this.source, this.reading.maxHeaderBytes());
			case UNTIL_CLOSE -> new UntilCloseSource(this.source);
		};
		Headers headers = framing.normalize(head.headers());
		if (raw == null) {
			outcome.messages.add(new Outcome.Message(interim, head.versionMinor(), head.status(), head.reason(),
					Outcome.Field.of(headers), new byte[0], List.of(), position(), keep));
			return keep;
		}
		Guard guard = new Guard(raw);
		InputStream body = guard;
		boolean decoding = false;
		if (!"HEAD".equals(this.reading.method())) {
			InputStream decoder = ContentDecoding.decoderFor(headers, guard);
			if (decoder != null) {
				headers = headers.toBuilder().remove("Content-Encoding").remove("Content-Length").build();
				body = decoder;
				decoding = true;
			}
		}
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try {
			readToEnd(body, bytes);
		}
		catch (IOException ex) {
			if (decoding && guard.decodingFailure == null && guard.failure == null) {
				throw new AssertionError("decoding failed with " + describe(ex)
						+ " but the exchange was not failed: the connection could go back to the pool", ex);
			}
			expectFailureAgain(body, ex);
			outcome.fail(classify(ex, decoding), describe(ex), decoding ? null : bytes.toByteArray());
			return false;
		}
		catch (BodyTooLarge ex) {
			outcome.fail(Outcome.Failure.TOO_LARGE, "more than " + MAX_BODY_BYTES + " body bytes", null);
			return false;
		}
		if (decoding ? !guard.decodingFinished : !guard.done) {
			throw new AssertionError("the body read to its end but its " + (decoding ? "decoder" : "framing")
					+ " did not say so: the connection is neither given back nor closed");
		}
		boolean untilClose = framing.kind() == BodyFraming.Kind.UNTIL_CLOSE;
		Headers trailers = (raw instanceof ChunkedSource chunked) ? chunked.trailers() : Headers.EMPTY;
		outcome.messages.add(new Outcome.Message(interim, head.versionMinor(), head.status(), head.reason(),
				Outcome.Field.of(headers), bytes.toByteArray(), Outcome.Field.of(trailers),
				untilClose ? -1 : position(), keep));
		return keep;
	}

	/**
	 * Where the codec stands on the wire: handed out by the socket, less what it buffers.
	 * The connection's own count of bytes received (which decides retries) must agree.
	 */
	private long position() {
		if (this.source.bytesReceived() != this.socket.handedOut()) {
			throw new AssertionError("the connection counts " + this.source.bytesReceived()
					+ " bytes received, the socket handed out " + this.socket.handedOut());
		}
		return this.socket.handedOut() - this.source.buffered();
	}

	private void readToEnd(InputStream body, ByteArrayOutputStream bytes) throws IOException {
		byte[] buffer = new byte[8192];
		int[] sizes = this.reading.readSizes();
		for (int step = 0;; step++) {
			int size = sizes[step % sizes.length];
			int n;
			if (size == 0) {
				int b = body.read();
				if (b < -1 || b > 255) {
					throw new AssertionError("read() returned " + b);
				}
				n = (b < 0) ? -1 : 1;
				if (b >= 0) {
					bytes.write(b);
				}
			}
			else {
				if (size < 0 && body.available() < 0) {
					throw new AssertionError("available() was negative");
				}
				int length = Math.min(Math.abs(size), buffer.length - 1);
				int offset = step % 2;
				n = body.read(buffer, offset, length);
				if (n == 0 || n < -1 || n > length) {
					throw new AssertionError("read of " + length + " bytes returned " + n);
				}
				if (n > 0) {
					bytes.write(buffer, offset, n);
				}
			}
			if (n < 0) {
				break;
			}
			if (bytes.size() > MAX_BODY_BYTES) {
				throw new BodyTooLarge();
			}
		}
		if (body.read() != -1 || body.read(buffer, 0, 10) != -1) {
			throw new AssertionError("the body ended, then gave more bytes");
		}
	}

	/** No body byte and no end of stream after a failure: each later read fails too. */
	private static void expectFailureAgain(InputStream body, IOException first) {
		for (int attempt = 0; attempt < 2; attempt++) {
			int n;
			try {
				n = (attempt == 0) ? body.read(new byte[64], 0, 64) : body.read();
			}
			catch (IOException ex) {
				continue;
			}
			throw new AssertionError("after " + describe(first) + ", a read of the body returned "
					+ ((n < 0) ? "the end of the stream" : "bytes") + " instead of failing again", first);
		}
	}

	private static Outcome.Failure classify(IOException ex, boolean decoding) {
		if (!TRANSPORT_FAILURES.contains(ex.getClass())) {
			throw new AssertionError("not one of the transport's exceptions: " + ex, ex);
		}
		if (ex.getMessage() == null || ex.getMessage().isBlank()) {
			throw new AssertionError("an exception without a message: " + ex, ex);
		}
		if (decoding) {
			return Outcome.Failure.DECODING;
		}
		if (ex instanceof EOFException) {
			return Outcome.Failure.TRUNCATED;
		}
		if (ex instanceof ProtocolException) {
			return Outcome.Failure.MALFORMED;
		}
		throw new AssertionError("a body without content coding failed with " + ex, ex);
	}

	private static String describe(IOException ex) {
		return ex.getClass().getSimpleName() + ": " + ex.getMessage();
	}

	private static final class BodyTooLarge extends RuntimeException {

		BodyTooLarge() {
			super(null, null, false, false);
		}

	}

	/**
	 * What {@code ResponseBody} does between the framing and the caller: the first
	 * failure is kept and thrown again by every later read, and the exchange is done once
	 * the framing reports its end. A {@code RuntimeException} from the codec is not
	 * wrapped here, so that it fails the run.
	 */
	private static final class Guard extends InputStream implements ContentDecoding.Source {

		private final InputStream raw;

		boolean done;

		private IOException failure;

		/** A decoder reads this body and said it decoded to the end. */
		boolean decodingFinished;

		/** A decoder reads this body and said it failed. */
		IOException decodingFailure;

		Guard(InputStream raw) {
			this.raw = raw;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			int n = read(one, 0, 1);
			return (n == 1) ? one[0] & 0xff : -1;
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			if (len == 0) {
				return 0;
			}
			if (this.done) {
				if (this.failure != null) {
					throw this.failure;
				}
				return -1;
			}
			int n;
			try {
				n = this.raw.read(b, off, len);
			}
			catch (IOException ex) {
				this.done = true;
				this.failure = ex;
				throw ex;
			}
			if (n == -1 || isComplete()) {
				this.done = true;
			}
			return n;
		}

		private boolean isComplete() {
			if (this.raw instanceof FixedLengthSource fixed) {
				return fixed.isComplete();
			}
			if (this.raw instanceof ChunkedSource chunked) {
				return chunked.isComplete();
			}
			return false;
		}

		@Override
		public int available() throws IOException {
			return this.done ? 0 : this.raw.available();
		}

		@Override
		public void decodingFinished() {
			if (this.decodingFailure != null || this.failure != null) {
				throw new AssertionError("decoding finished after a failure");
			}
			this.decodingFinished = true;
		}

		@Override
		public void failDecoding(IOException failure) {
			if (this.decodingFinished) {
				throw new AssertionError("decoding failed after it finished", failure);
			}
			this.decodingFailure = failure;
		}

	}

}
