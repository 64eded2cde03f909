package dev.roundtrip.transport;

import java.io.InterruptedIOException;

/**
 * The call was canceled, through {@link Call#cancel()} or by interrupting the thread that
 * ran it. The message says at which stage. When the cause was an interrupt, the thread's
 * interrupt status is set again before this is thrown.
 */
public class CanceledException extends InterruptedIOException {

	private static final long serialVersionUID = 1L;

	public CanceledException(String message) {
		super(message);
	}

}
