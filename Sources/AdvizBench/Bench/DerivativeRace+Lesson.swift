import Synchronization
import AdvizCore

extension DerivativeRace {
    /// The race's table at `points` points, as a lesson's `show: race` step prints it: run once
    /// per point count and kept, because a player redraws a step many times and the race takes
    /// seconds. Hand it to `LessonPlayer` or `LessonSlides` as their `race`.
    @Sendable public static func lessonTable(points: Int) -> String {
        tables.withLock { tables in
            if let known = tables[points] { return known }
            let made: String
            do {
                // Three repetitions: a lesson wants the shape of the race (who wins, by how much), not a benchmark's last digit.
                made = BenchReport(race: try DerivativeRace.run(points: points, repetitions: 3)).text()
            } catch {
                made = "the race could not run here: \(error)"
            }
            tables[points] = made
            return made
        }
    }

    private static let tables = Mutex<[Int: String]>([:])
}
