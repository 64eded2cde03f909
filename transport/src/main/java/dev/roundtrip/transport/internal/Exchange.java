package dev.roundtrip.transport.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.net.URI;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.TimeUnit;

import dev.roundtrip.transport.CanceledException;
import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.Headers;
import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.Response;
import dev.roundtrip.transport.TransportSettings;
import dev.roundtrip.transport.TransportTimeoutException;
import dev.roundtrip.transport.internal.conn.Connection;
import dev.roundtrip.transport.internal.http1.BodyFraming;
import dev.roundtrip.transport.internal.http1.ChunkedSink;
import dev.roundtrip.transport.internal.http1.ChunkedSource;
import dev.roundtrip.transport.internal.http1.FixedLengthSink;
import dev.roundtrip.transport.internal.http1.FixedLengthSource;
import dev.roundtrip.transport.internal.http1.Http1Sink;
import dev.roundtrip.transport.internal.http1.KeepAliveHeader;
import dev.roundtrip.transport.internal.http1.RequestWriter;
import dev.roundtrip.transport.internal.http1.ResponseHead;
import dev.roundtrip.transport.internal.http1.ResponseParser;
import dev.roundtrip.transport.internal.http1.UntilCloseSource;

/**
 * One request and its response on one connection.
 * <ol>
 * <li>{@link #run}: write the request head and body, read the response head
 * (skipping 1xx), decide how the body is framed and whether the connection may
 * be reused afterwards.</li>
 * <li>A response without a body gives the connection back at once; otherwise
 * {@link ResponseBody} gives it back when the body reaches its end, or closes
 * it if the body is closed early and cannot be drained.</li>
 * <li>Any failure, timeout or cancel closes the connection; it is never
 * pooled after an error. {@link #retry()} then says whether Go's rules allow
 * sending the request again on a fresh connection.</li>
 * </ol>
 * Go: {@code (*persistConn).roundTrip}, {@code writeLoop} and {@code readLoop}.
 */
final class Exchange {

	/** Why a failed exchange may be retried on a new connection. Go: {@code shouldRetryRequest}. */
	enum Retry {

		/** Not at all. */
		NONE,

		/** Nothing of the request reached the socket: any request whose body can be replayed. */
		NOTHING_WRITTEN,

		/** The server closed the reused connection before any byte of a response: replayable requests only. */
		SERVER_CLOSED_IDLE;

		boolean allows(Request request) {
			return switch (this) {
				case NONE -> false;
				case NOTHING_WRITTEN -> request.body() == null || request.body().isReplayable();
				case SERVER_CLOSED_IDLE -> request.isReplayable();
			};
		}

	}

	private final Engine engine;

	private final RealCall call;

	private final Connection conn;

	private Retry retry = Retry.NONE;

	/** Guarded by being called from the owner's thread, or the cleaner once the body is unreachable. */
	private boolean released;

	Exchange(Engine engine, RealCall call, Connection conn) {
		this.engine = engine;
		this.call = call;
		this.conn = conn;
	}

	Retry retry() {
		return this.retry;
	}

	Connection connection() {
		return this.conn;
	}

	RealCall call() {
		return this.call;
	}

	Response run(Request request, Destination destination) throws IOException {
		this.call.attach(this.conn);
		TransportSettings settings = this.engine.settings();
		this.conn.timing().readTimeout(this.engine.readTimeoutMillis(request));
		if (this.call.deadlineNanos() != 0) {
			this.conn.timing().callDeadline(this.call.deadlineNanos(), request.timeout().toMillis());
		}
		boolean closeAfter = settings.disableKeepAlives() || request.headers().containsToken("Connection", "close");
		boolean askedForGzip = !settings.disableCompression() && !request.headers().contains("Accept-Encoding")
				&& !request.headers().contains("Range") && !"HEAD".equals(request.method());
		Http1Sink sink = this.conn.sink();
		long writtenBefore = sink.bytesWritten();
		try {
			writeHead(sink, request, destination, settings.disableKeepAlives(), askedForGzip);
			if (request.body() != null) {
				writeBody(sink, request.body());
			}
			sink.flush();
		}
		catch (IOException | RuntimeException ex) {
			if (sink.bytesWritten() == writtenBefore && !this.call.isCanceled()) {
				this.retry = Retry.NOTHING_WRITTEN;
			}
			throw fail(ex, "writing the request");
		}
		long headerTimeout = this.engine.responseHeaderTimeoutMillis(destination);
		if (headerTimeout > 0) {
			this.conn.timing().responseHeaderTimeout(headerTimeout);
		}
		ResponseHead head;
		try {
			head = readFinalHead(request, settings.maxResponseHeaderBytes());
		}
		catch (IOException | RuntimeException ex) {
			throw fail(ex, "waiting for the response headers");
		}
		this.conn.timing().responseHeaderTimeout(0);
		BodyFraming framing;
		try {
			framing = BodyFraming.of(request.method(), head);
		}
		catch (ProtocolException ex) {
			throw fail(ex, "reading the response headers");
		}
		if (settings.honorKeepAliveHeader()) {
			applyKeepAlive(head.headers().get("Keep-Alive"));
		}
		CloseReason afterBody = null;
		if (settings.disableKeepAlives()) {
			afterBody = CloseReason.KEEP_ALIVES_DISABLED;
		}
		else if (closeAfter || framing.mustClose()) {
			afterBody = CloseReason.RESPONSE_CLOSE;
		}
		Headers headers = head.headers();
		InputStream raw = switch (framing.kind()) {
			case NONE -> null;
			case FIXED -> (framing.length() == 0) ? null : new FixedLengthSource(this.conn.source(), framing.length());
			case CHUNKED -> new ChunkedSource(this.conn.source(), settings.maxResponseHeaderBytes());
			case UNTIL_CLOSE -> new UntilCloseSource(this.conn.source());
		};
		if (raw == null) {
			release(afterBody);
			this.call.finished();
			return new Response(request, head.protocol(), head.status(), head.reason(), headers, InputStream.nullInputStream());
		}
		InputStream body = ResponseBody.open(this, raw, afterBody, settings);
		if (askedForGzip && "gzip".equalsIgnoreCase(trim(headers.get("Content-Encoding")))) {
			headers = headers.toBuilder().remove("Content-Encoding").remove("Content-Length").build();
			body = new GzipBody(body);
		}
		return new Response(request, head.protocol(), head.status(), head.reason(), headers, body);
	}

	private static String trim(String value) {
		return (value != null) ? value.trim() : null;
	}

	private void writeHead(Http1Sink sink, Request request, Destination destination, boolean disableKeepAlives,
			boolean askedForGzip) throws IOException {
		URI uri = request.uri();
		RequestWriter.writeRequestLine(sink, request.method(), target(uri, destination));
		Headers headers = request.headers();
		String host = headers.get("Host");
		RequestWriter.writeHeader(sink, "Host", (host != null) ? host : hostHeader(uri, destination));
		boolean userConnection = false;
		for (int i = 0; i < headers.size(); i++) {
			String name = headers.name(i);
			if (name.equalsIgnoreCase("Host") || name.equalsIgnoreCase("Content-Length")
					|| name.equalsIgnoreCase("Transfer-Encoding")) {
				// Framing is the transport's: derived from the body, never taken from the caller.
				continue;
			}
			if (name.equalsIgnoreCase("Connection")) {
				userConnection = true;
			}
			RequestWriter.writeHeader(sink, name, headers.value(i));
		}
		Request.Body body = request.body();
		if (body != null) {
			long length = body.contentLength();
			if (length >= 0) {
				RequestWriter.writeHeader(sink, "Content-Length", Long.toString(length));
			}
			else {
				RequestWriter.writeHeader(sink, "Transfer-Encoding", "chunked");
			}
		}
		else if (expectsBody(request.method())) {
			// Go: a POST, PUT or PATCH without a body still says so.
			RequestWriter.writeHeader(sink, "Content-Length", "0");
		}
		if (disableKeepAlives && !userConnection) {
			RequestWriter.writeHeader(sink, "Connection", "close");
		}
		if (askedForGzip) {
			RequestWriter.writeHeader(sink, "Accept-Encoding", "gzip");
		}
		RequestWriter.endHeaders(sink);
	}

	private static boolean expectsBody(String method) {
		return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
	}

	/** The request target: origin form, or absolute form through a plain-HTTP proxy. */
	private static String target(URI uri, Destination destination) {
		String path = uri.getRawPath();
		String query = uri.getRawQuery();
		if (path == null || path.isEmpty()) {
			path = "/";
		}
		String origin = (query != null) ? path + "?" + query : path;
		if (destination.proxy() != null && !destination.isTls()) {
			return destination.scheme() + "://" + hostHeader(uri, destination) + origin;
		}
		return origin;
	}

	private static String hostHeader(URI uri, Destination destination) {
		String host = uri.getHost();
		int port = destination.port();
		boolean defaultPort = (port == 80 && !destination.isTls()) || (port == 443 && destination.isTls());
		return defaultPort ? host : host + ":" + port;
	}

	private void writeBody(Http1Sink sink, Request.Body body) throws IOException {
		long length = body.contentLength();
		OutputStream out = (length >= 0) ? new FixedLengthSink(sink, length) : new ChunkedSink(sink);
		body.writeTo(out);
		out.close();
	}

	/** Reads response heads until a final one, skipping 1xx but 101; all count against the header limit. */
	private ResponseHead readFinalHead(Request request, long maxHeaderBytes) throws IOException {
		long budget = maxHeaderBytes;
		boolean first = true;
		for (;;) {
			ResponseHead head;
			try {
				head = ResponseParser.readHead(this.conn.source(), budget);
			}
			catch (IOException ex) {
				if (first && isConnectionDrop(ex) && !this.call.isCanceled()) {
					this.retry = Retry.SERVER_CLOSED_IDLE;
				}
				throw ex;
			}
			if (head == null) {
				if (first) {
					this.retry = Retry.SERVER_CLOSED_IDLE;
				}
				throw new EOFException("Server closed " + this.conn + " before sending a response to " + request);
			}
			first = false;
			if (head.status() >= 200 || head.status() == 101) {
				return head;
			}
			budget -= head.headBytes();
			if (budget <= 0) {
				throw new ProtocolException("response headers exceeded " + maxHeaderBytes
						+ " bytes (max-response-header-bytes), counting " + head.status() + " interim responses");
			}
		}
	}

	/** A reset or abrupt close on the first read of a reused connection: Go retries these like a clean EOF. */
	private static boolean isConnectionDrop(IOException ex) {
		return !(ex instanceof ProtocolException) && !(ex instanceof InterruptedIOException)
				&& !(ex instanceof TransportTimeoutException);
	}

	private void applyKeepAlive(String value) {
		if (value == null) {
			return;
		}
		KeepAliveHeader keepAlive = KeepAliveHeader.parse(value);
		long timeoutNanos = (keepAlive.timeoutSeconds() >= 0) ? TimeUnit.SECONDS.toNanos(keepAlive.timeoutSeconds())
				: -1;
		this.conn.serverKeepAlive(timeoutNanos, keepAlive.max());
	}

	/**
	 * Closes the connection for a failure and says plainly what happened: which
	 * limit fired, whether it was a cancel or an interrupt, and for a request
	 * that was written but not answered, that it may have been processed.
	 */
	IOException fail(Throwable ex, String stage) {
		IOException failure = explain(ex, stage);
		CloseReason reason = (failure instanceof TransportTimeoutException) ? CloseReason.TIMEOUT
				: (failure instanceof CanceledException) ? CloseReason.CANCELED : CloseReason.ERROR;
		release(reason);
		this.call.finished();
		return failure;
	}

	private IOException explain(Throwable ex, String stage) {
		Request request = this.call.request();
		if (this.call.isDeadlineExpired()) {
			return callTimeout(this.call, "while " + stage);
		}
		if (this.call.isCanceledByUser()) {
			CanceledException canceled = new CanceledException("Request " + request + " canceled while " + stage);
			canceled.initCause(ex);
			return canceled;
		}
		if (ex instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted()
				|| (ex instanceof InterruptedIOException && !(ex instanceof java.net.SocketTimeoutException))) {
			Thread.currentThread().interrupt();
			CanceledException canceled = new CanceledException("Thread interrupted while " + stage + " for " + request);
			canceled.initCause(ex);
			return canceled;
		}
		if (ex instanceof RuntimeException runtime) {
			return new IOException("Failed while " + stage + " for " + request + ": " + runtime, runtime);
		}
		IOException io = (IOException) ex;
		if (this.retry == Retry.SERVER_CLOSED_IDLE && !request.isReplayable()) {
			return new IOException(io.getMessage() + "; the request was sent and may have been processed, so it is"
					+ " not retried (only GET, HEAD, OPTIONS, TRACE, or a request with an Idempotency-Key and a"
					+ " replayable body is)", io);
		}
		return io;
	}

	static TransportTimeoutException callTimeout(RealCall call, String stage) {
		Request request = call.request();
		return new TransportTimeoutException(TransportTimeoutException.Limit.CALL, "Request timeout of "
				+ request.timeout().toMillis() + " ms expired " + stage + " for " + request + " (request timeout)");
	}

	/**
	 * Ends the exchange's hold on the connection: back to the pool when
	 * {@code reason} is null, else closed. A connection a cancel has aborted is
	 * always closed. Idempotent.
	 */
	void release(CloseReason reason) {
		if (this.released) {
			return;
		}
		this.released = true;
		if (!this.conn.disown(this.call)) {
			reason = this.call.isDeadlineExpired() ? CloseReason.TIMEOUT : CloseReason.CANCELED;
		}
		this.conn.timing().reset();
		this.engine.pool().release(this.conn, reason);
	}

	boolean isReleased() {
		return this.released;
	}

}
