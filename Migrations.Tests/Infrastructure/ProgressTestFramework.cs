using System.Globalization;
using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Migrations.Tests.Infrastructure.ProgressTestFramework", "Migrations.Tests")]

namespace Migrations.Tests.Infrastructure;

/// <summary>
/// xUnit's own framework, plus one line per test class as it finishes (its counts and time), so that a run of the whole
/// suite shows its progress instead of printing nothing for minutes. The lines go out as xUnit's diagnostic messages
/// (<c>xunit.runner.json</c> turns them on). It also times each class for <see cref="LongestFirstOrderer"/>.
/// </summary>
public sealed class ProgressTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformation, IMessageSink diagnostics)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformation, diagnostics)
    {
        protected override async void RunTestCases(
            IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            var progress = new ProgressSink(executionMessageSink, DiagnosticMessageSink);
            using var runner = new XunitTestAssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, progress, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class ProgressSink(IMessageSink inner, IMessageSink diagnostics)
        : LongLivedMarshalByRefObject, IMessageSink
    {
        public bool OnMessage(IMessageSinkMessage message)
        {
            switch (message)
            {
                case ITestCollectionStarting starting:
                    CollectionDurations.Starting(starting.TestCollection);
                    break;
                case ITestCollectionFinished collection:
                    CollectionDurations.Finished(collection.TestCollection);
                    break;
                case ITestAssemblyFinished:
                    CollectionDurations.Save();
                    break;
            }

            if (message is ITestClassFinished finished)
            {
                var passed = finished.TestsRun - finished.TestsFailed - finished.TestsSkipped;
                diagnostics.OnMessage(new DiagnosticMessage(string.Create(CultureInfo.InvariantCulture,
                    $"{finished.TestClass.Class.Name}: {passed} passed, {finished.TestsFailed} failed, "
                    + $"{finished.TestsSkipped} skipped in {finished.ExecutionTime:0.0} s")));
            }

            return inner.OnMessage(message);
        }
    }
}
