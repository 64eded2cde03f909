package dev.roundtrip.spring.autoconfigure;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Startup fails with this when {@code roundtrip.transport.*} holds a key Roundtrip does
 * not know, a per-host key it cannot read, or a value out of range. Each problem names
 * the full property and where it was set; {@link RoundtripPropertiesFailureAnalyzer}
 * turns them into Boot's failure-analysis report.
 */
public class InvalidRoundtripPropertiesException extends RuntimeException {

	private final List<Problem> problems;

	InvalidRoundtripPropertiesException(List<Problem> problems) {
		super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
		this.problems = List.copyOf(problems);
	}

	/** What is wrong, one entry per property. */
	public List<Problem> problems() {
		return this.problems;
	}

	/**
	 * One property that cannot be used.
	 *
	 * @param property the full name, such as {@code roundtrip.transport.max-idle-conns}
	 * @param origin where it was set (file and line when Boot knows them), or
	 * {@code null}
	 * @param reason what is wrong, and what to write instead where there is an answer
	 */
	public record Problem(String property, String origin, String reason) {

		@Override
		public String toString() {
			return this.property + ((this.origin != null) ? " (" + this.origin + ")" : "") + ": " + this.reason;
		}

	}

}
