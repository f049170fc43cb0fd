from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_recovery_attempts')]

    initial = False

    operations = [
        ops.AddField(
            model_name='JobAttempt',
            name='logs_archived_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AlterModelOptions(
            name='JobLog',
            options={'table': 'job_logs', 'app': 'models', 'unique_together': (('job', 'cluster', 'pod', 'container'),), 'pk_attr': 'id', 'table_description': 'The archived log of one container of one pod of one attempt of a job.'},
        ),
        ops.AddField(
            model_name='JobLog',
            name='attempt',
            field=fields.IntField(default=1, db_default=1),
        ),
        # Archives written before this migration are of the attempt their job was on when it
        # ended (archiving ran only then): its current attempt.
        ops.RunSQL(
            "UPDATE job_logs SET attempt = (SELECT t.attempt FROM training_jobs t"
            " WHERE t.id = job_logs.job_id)",
            reverse_sql="",
        ),
    ]
