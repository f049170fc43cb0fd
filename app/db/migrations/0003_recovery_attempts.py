from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_operations_and_auth')]

    initial = False

    operations = [
        ops.CreateModel(
            name='JobAttempt',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('job', fields.ForeignKeyField('models.TrainingJob', source_field='job_id', db_constraint=True, to_field='id', related_name='attempts', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('cluster', fields.CharField(null=True, max_length=253)),
                ('object_name', fields.CharField(max_length=63)),
                ('phase', fields.CharField(max_length=16)),
                ('reason', fields.CharField(max_length=32)),
                ('message', fields.TextField(default='', db_default='', unique=False)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'job_attempts', 'app': 'models', 'unique_together': (('job', 'number'),), 'pk_attr': 'id', 'table_description': 'One attempt of a job: its own Karmada objects (``object_name``) on one cluster.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='TrainingJob',
            name='attempt',
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.AddField(
            model_name='TrainingJob',
            name='recovery_policy',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
